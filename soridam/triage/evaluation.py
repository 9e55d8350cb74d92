"""Scoring the triage model on labelled cases (``manage.py eval_triage``)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from django.conf import settings
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold, StratifiedKFold

from soridam.lib.kiwi import morphemes
from soridam.privacy import pii
from soridam.triage.classifier import Example, Result, TriageModel

LABELLED_FIELDS = ("category", "priority", "sentiment", "language")
PRIORITY_LEVELS = ("urgent", "high", "normal", "low")
REVIEW_THRESHOLDS = (40, 45, 50, 55, 60, 65, 70)  # percent, as SORIDAM_TRIAGE_MIN_CONFIDENCE


def to_example(row: dict[str, Any]) -> Example:
    labels = {name: str(row.get(name) or "") for name in ("category", "priority", "sentiment")}
    return Example(str(row.get("subject") or ""), str(row.get("body") or ""), labels)


def train(rows: Iterable[dict[str, Any]]) -> TriageModel:
    return TriageModel().fit([to_example(row) for row in rows])


def predict_all(model: TriageModel, rows: Sequence[dict[str, Any]]) -> tuple[list[Result], list[float]]:
    """Predict each row, timing each one. The morpheme cache is emptied first: a case that arrives is new
    text, so its Kiwi analysis belongs in the time (in cross-validation, folds would otherwise reuse it)."""
    morphemes.cache_clear()
    results, millis = [], []
    for row in rows:
        started = time.perf_counter()
        results.append(model.predict(str(row.get("subject") or ""), str(row.get("body") or "")))
        millis.append((time.perf_counter() - started) * 1000)
    return results, millis


def score(rows: Sequence[dict[str, Any]], results: Sequence[Result], millis: Sequence[float]) -> dict[str, Any]:
    def gold(name: str) -> list[str]:
        return [str(row.get(name) or "") for row in rows]

    def guessed(name: str) -> list[str]:
        return [getattr(result, name).value for result in results]

    report: dict[str, Any] = {
        "category": {
            "macro_f1": round(float(f1_score(gold("category"), guessed("category"), average="macro")), 4),
            "accuracy": round(float(accuracy_score(gold("category"), guessed("category"))), 4),
            "per_class": per_class_f1(gold("category"), guessed("category")),
            "confusion": confusion(gold("category"), guessed("category")),
        }
    }
    for name in ("priority", "sentiment", "language"):
        report[name] = {"accuracy": round(float(accuracy_score(gold(name), guessed(name))), 4)}
    report["priority"]["per_level"] = per_level(gold("priority"), guessed("priority"), PRIORITY_LEVELS)
    report["needs_review_share"] = review_share(results, settings.SORIDAM_TRIAGE_MIN_CONFIDENCE / 100)
    # The share at other thresholds, on the same held-back predictions: how the default threshold is chosen
    # (the review list should hold 10–25 % of new cases) when the model's confidences move.
    report["needs_review_by_threshold"] = {
        str(percent): review_share(results, percent / 100) for percent in REVIEW_THRESHOLDS
    }
    report["pii"] = _pii_scores(rows, results)
    report["ms_per_case_p95"] = round(float(np.percentile(millis, 95)), 2) if millis else 0.0
    return report


def per_level(gold: Sequence[str], guessed: Sequence[str], levels: Sequence[str]) -> dict[str, dict[str, float]]:
    """Precision (of the cases predicted at a level, how many are) and recall (of the cases that are,
    how many were found) per level, with how many of each were labelled and predicted."""
    precision, recall, _f1, support = precision_recall_fscore_support(
        gold, guessed, labels=list(levels), zero_division=0
    )
    return {
        level: {
            "precision": round(float(precision[index]), 4),
            "recall": round(float(recall[index]), 4),
            "labelled": int(support[index]),
            "predicted": sum(1 for value in guessed if value == level),
        }
        for index, level in enumerate(levels)
    }


def per_class_f1(gold: Sequence[str], guessed: Sequence[str]) -> dict[str, float]:
    """F1 of each labelled class: macro-F1 is their mean, so this shows which classes pull it down."""
    labels = sorted(set(gold))
    scores = f1_score(gold, guessed, labels=labels, average=None, zero_division=0)
    return {label: round(float(value), 4) for label, value in zip(labels, scores, strict=True)}


def confusion(gold: Sequence[str], guessed: Sequence[str]) -> dict[str, dict[str, int]]:
    """The mistakes only: labelled class → {predicted class: count}, for every class confused at least once."""
    counts: dict[str, dict[str, int]] = {}
    for right, guess in zip(gold, guessed, strict=True):
        if right != guess:
            row = counts.setdefault(right, {})
            row[guess] = row.get(guess, 0) + 1
    return counts


def review_share(results: Sequence[Result], threshold: float) -> float:
    """The share of cases that would land on *Needs review* at ``threshold``, each read as a new case with
    no category and intake's default priority (as `triage.triage` decides it)."""
    if not results:
        return 0.0
    return round(sum(1 for result in results if result.confidence_in_case() < threshold) / len(results), 4)


def _pii_scores(rows: Sequence[dict[str, Any]], results: Sequence[Result]) -> dict[str, dict[str, float]]:
    scores = {}
    for kind in pii.PII_TYPES:
        gold = [kind in (row.get("pii") or []) for row in rows]
        found = [kind in result.pii for result in results]
        hits = sum(g and f for g, f in zip(gold, found, strict=True))
        scores[kind] = {
            "recall": round(hits / sum(gold), 4) if any(gold) else 1.0,
            "precision": round(hits / sum(found), 4) if any(found) else 1.0,
        }
    return scores


def evaluate(train_rows: Sequence[dict[str, Any]], case_rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    results, millis = predict_all(train(train_rows), case_rows)
    return score(case_rows, results, millis)


def cross_validate(
    rows: Sequence[dict[str, Any]], folds: int, seed: int = 0, group_by: str | None = None
) -> dict[str, Any]:
    """Every case is predicted once, by a model that never saw it. Stratified by category and shuffled
    with ``seed``; with ``group_by`` (a field such as ``channel``) the folds keep each value of that field
    together instead, so every case is predicted by a model that never saw a case from its source: the
    gap to the stratified figure shows how much the model leans on the sources it was trained on."""
    results: list[Result | None] = [None] * len(rows)
    millis: list[float] = []
    for train_index, test_index in _splits(rows, folds, seed, group_by):
        model = train([rows[i] for i in train_index])
        fold_results, fold_millis = predict_all(model, [rows[i] for i in test_index])
        for i, result in zip(test_index, fold_results, strict=True):
            results[i] = result
        millis.extend(fold_millis)
    return score(rows, [r for r in results if r is not None], millis)


def _splits(rows: Sequence[dict[str, Any]], folds: int, seed: int, group_by: str | None) -> list[tuple[Any, Any]]:
    anywhere = np.zeros(len(rows))
    if group_by:
        groups = [str(row.get(group_by) or "") for row in rows]
        if len(set(groups)) < folds:
            raise ValueError(f"--group-by {group_by}: {len(set(groups))} distinct values, fewer than {folds} folds")
        return list(GroupKFold(n_splits=folds).split(anywhere, groups=groups))
    labels = [str(row.get("category") or "") for row in rows]
    return list(StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(anywhere, labels))
