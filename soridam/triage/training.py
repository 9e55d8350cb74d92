"""Model versions in the database: train, score on held-back labels, activate, and load the active one."""

from __future__ import annotations

import io
import logging
import pickle
import struct
import threading
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction

from soridam.triage.classifier import Example, TriageModel
from soridam.triage.compact import compact
from soridam.triage.models import Label, ModelVersion, RetrainDecision

HOLD_BACK_EVERY = 5  # every fifth label (by id) is held back to score a candidate model

logger = logging.getLogger(__name__)
_cache_lock = threading.Lock()
_cache: dict[str, Any] = {"version": None, "model": None}


# A blob is MAGIC, the length of the compact copy (``triage.compact``: predicts without scikit-learn), that copy
# pickled, then the full model (joblib). A blob without MAGIC is a full model alone, as stored before.
MAGIC = b"soridam-triage-2\n"
_LENGTH = struct.Struct(">Q")


def dumps(model: TriageModel) -> bytes:
    import joblib

    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    light = pickle.dumps(compact(model), protocol=pickle.HIGHEST_PROTOCOL)
    return MAGIC + _LENGTH.pack(len(light)) + light + buffer.getvalue()


def loads(blob: bytes | memoryview) -> TriageModel:
    """The full model, as fitted (scikit-learn objects: to evaluate or refit, not to predict)."""
    import joblib

    data = bytes(blob)
    if data.startswith(MAGIC):
        data = data[len(MAGIC) + _LENGTH.size + _LENGTH.unpack_from(data, len(MAGIC))[0] :]
    return _checked(joblib.load(io.BytesIO(data)))  # our own blob, written by dumps()


def loads_compact(blob: bytes | memoryview) -> TriageModel:
    """The model to predict with, loaded without scikit-learn (an older blob: compacted from the full model)."""
    data = bytes(blob)
    if not data.startswith(MAGIC):
        return compact(loads(data))
    (length,) = _LENGTH.unpack_from(data, len(MAGIC))
    start = len(MAGIC) + _LENGTH.size
    return _checked(pickle.loads(data[start : start + length]))  # noqa: S301 - our own blob, written by dumps()


def _checked(model: object) -> TriageModel:
    if not isinstance(model, TriageModel):
        raise TypeError("the stored blob is not a TriageModel")
    return model


def forget() -> None:
    """Drop this process's copy of the active model (tests: a rolled-back version's id is used again)."""
    with _cache_lock:
        _cache.update(version=None, model=None)


def active_model() -> tuple[TriageModel, ModelVersion | None]:
    """The active model, loaded once per process and version; rules only while no version is active, or while
    the active one no longer fits the features this release makes (it was fitted by an older release: it is
    retrained at the next scheduled retrain, and until then every case is triaged by the rules, not failed)."""
    version = ModelVersion.objects.filter(is_active=True).defer("blob").first()
    with _cache_lock:
        if version is None:
            return TriageModel(), None
        if _cache["version"] != version.pk:
            blob = ModelVersion.objects.values_list("blob", flat=True).get(pk=version.pk)
            _cache["model"], _cache["version"] = _usable(loads_compact(blob), version), version.pk
        model: TriageModel = _cache["model"]
        return (model, version) if model.classifiers else (model, None)


def _usable(model: TriageModel, version: ModelVersion) -> TriageModel:
    if model.fits_its_features():
        return model
    logger.warning("triage model v%s does not fit the current features; using the rules", version.pk)
    return TriageModel()


def label_examples(labels: Sequence[Label]) -> list[Example]:
    return [
        Example(
            label.subject,
            label.body,
            {"category": label.category, "priority": label.priority, "sentiment": label.sentiment},
        )
        for label in labels
    ]


def score(model: TriageModel, examples: Sequence[Example]) -> dict[str, float]:
    """Category macro-F1 and priority accuracy on labelled examples; `overall` is their mean."""
    results = [model.predict(e.subject, e.body) for e in examples]
    metrics: dict[str, float] = {"examples": float(len(examples))}
    parts = []
    for name, metric in (("category", "macro_f1"), ("priority", "accuracy")):
        pairs = [
            (e.labels[name], getattr(r, name).value)
            for e, r in zip(examples, results, strict=True)
            if e.labels.get(name)
        ]
        if not pairs:
            continue
        from sklearn.metrics import accuracy_score, f1_score

        gold, guessed = [p[0] for p in pairs], [p[1] for p in pairs]
        value = f1_score(gold, guessed, average="macro") if metric == "macro_f1" else accuracy_score(gold, guessed)
        metrics[f"{name}_{metric}"] = round(float(value), 4)
        parts.append(float(value))
    metrics["overall"] = round(sum(parts) / len(parts), 4) if parts else 0.0
    return metrics


def store(model: TriageModel, *, metrics: dict[str, Any], trained_on: int, source: str, activate: bool) -> ModelVersion:
    with transaction.atomic():
        if activate:
            ModelVersion.objects.filter(is_active=True).update(is_active=False)
        return ModelVersion.objects.create(
            blob=dumps(model), metrics=metrics, trained_on=trained_on, source=source, is_active=activate
        )


def retrain() -> RetrainDecision:
    """Train a candidate on the labels minus a held-back fifth; it replaces the active model (or the rules)
    only when every category has at least ``SORIDAM_TRIAGE_MIN_LABELS_PER_CLASS`` labels and it beats the
    active one on that fifth by ``SORIDAM_TRIAGE_RETRAIN_MARGIN`` points. The kept model is refitted on
    every label. Each run leaves a `RetrainDecision` with its figures."""
    labels = list(Label.objects.order_by("pk"))
    per_class = dict(Counter(label.category for label in labels if label.category))
    minimum = settings.SORIDAM_TRIAGE_MIN_LABELS_PER_CLASS
    margin = settings.SORIDAM_TRIAGE_RETRAIN_MARGIN / 100
    decision = RetrainDecision(labels=len(labels), labels_per_class=per_class, minimum_per_class=minimum, margin=margin)
    if len(per_class) < 2 or too_few_labels([label.category for label in labels]):
        decision.outcome = RetrainDecision.Outcome.TOO_FEW_LABELS
        decision.save()
        return decision
    current, version = active_model()
    held_ids = {label.pk for label in _held_back(labels, version)}
    held = [label for label in labels if label.pk in held_ids]
    train = [label for label in labels if label.pk not in held_ids]
    candidate = TriageModel().fit(label_examples(train))
    new_scores, old_scores = score(candidate, label_examples(held)), score(current, label_examples(held))
    accepted = new_scores["overall"] >= old_scores["overall"] + margin
    final = TriageModel().fit(label_examples(labels)) if accepted else candidate
    metrics = {"held_back": new_scores, "previous": old_scores, "accepted": accepted, "margin": margin}
    decision.candidate = store(final, metrics=metrics, trained_on=len(labels), source="labels", activate=accepted)
    decision.outcome = RetrainDecision.Outcome.ACCEPTED if accepted else RetrainDecision.Outcome.NOT_BETTER
    decision.candidate_scores, decision.active_scores = new_scores, old_scores
    decision.save()
    return decision


def too_few_labels(categories: list[str]) -> dict[str, int]:
    """The categories with fewer labels than ``SORIDAM_TRIAGE_MIN_LABELS_PER_CLASS`` (empty: enough)."""
    counts = Counter(category for category in categories if category)
    return {name: count for name, count in counts.items() if count < settings.SORIDAM_TRIAGE_MIN_LABELS_PER_CLASS}


def _held_back(labels: list[Label], version: ModelVersion | None) -> list[Label]:
    """Every fifth label the active model has not seen (newer than it), so that the old model gets no
    advantage from having trained on them; every fifth of all labels when there are too few new ones."""
    unseen = [label for label in labels if version is None or label.updated_at > version.created_at]
    pool = unseen if len(unseen) >= HOLD_BACK_EVERY else labels
    return [label for index, label in enumerate(pool) if index % HOLD_BACK_EVERY == HOLD_BACK_EVERY - 1]
