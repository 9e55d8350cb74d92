"""A fitted triage model that predicts without numpy, scipy or scikit-learn: about 110 MiB less in every task worker.

Predicting is a sparse dot product: TF-IDF rows of a few hundred columns times a logistic regression's weights.
scikit-learn is needed to fit (``classifier.TriageModel.fit``), not for that. ``compact(model)`` copies a fitted
model's vocabularies, IDF weights and coefficients into plain Python (dicts and ``array('d')``), and
``training.dumps`` stores that copy in front of the full model, so the task workers load only the copy
(bench/README.md, "Memory"). The probabilities equal scikit-learn's to rounding (``tests/test_compact.py``):
the same analyzers, sublinear TF, IDF, L2 norm, and softmax (multinomial) or logistic (two classes).
"""

from __future__ import annotations

import copy
import math
import re
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from operator import itemgetter, mul
from typing import Any

from soridam.lib.kiwi import morphemes
from soridam.triage.classifier import TriageModel
from soridam.triage.text import CUE_GROUPS, Doc, cue_vector

Row = dict[int, float]  # column → value, the non-zero entries of one message's feature row
_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's, for char_wb


def morpheme_terms(text: str) -> list[str]:
    return list(morphemes(text))


def char_wb_terms(text: str, low: int, high: int) -> list[str]:
    """scikit-learn's ``char_wb`` analyzer (lower-cased, n-grams inside words padded with one space)."""
    grams: list[str] = []
    for word in _WHITE_SPACES.sub(" ", text.lower()).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            offset = 0
            grams.append(padded[offset : offset + n])
            while offset + n < len(padded):
                offset += 1
                grams.append(padded[offset : offset + n])
            if offset == 0:  # a short word is counted once
                break
    return grams


class CompactTfidf:
    """A fitted ``TfidfVectorizer(sublinear_tf=True)`` (norm l2, IDF on): its vocabulary and IDF weights."""

    def __init__(self, vectoriser: Any, ngram_range: tuple[int, int] | None) -> None:
        self.vocabulary_: dict[str, int] = {str(term): int(column) for term, column in vectoriser.vocabulary_.items()}
        self.idf = array("d", (float(value) for value in vectoriser.idf_))
        self.ngram_range = ngram_range  # None: morphemes

    def terms(self, text: str) -> list[str]:
        if self.ngram_range is None:
            return morpheme_terms(text)
        return char_wb_terms(text, *self.ngram_range)

    def row(self, text: str) -> Row:
        counts = Counter(column for term in self.terms(text) if (column := self.vocabulary_.get(term)) is not None)
        weights = {column: (math.log(count) + 1.0) * self.idf[column] for column, count in counts.items()}
        norm = math.sqrt(sum(value * value for value in weights.values()))
        return {column: value / norm for column, value in weights.items()} if norm else weights


class CompactFeatures:
    """``features.TriageFeatures`` fitted: morpheme TF-IDF, then character TF-IDF, then weighted cue counts."""

    def __init__(self, features: Any) -> None:
        self.cue_weight = float(features.cue_weight)
        self.morphemes_ = CompactTfidf(features.morphemes_, None)
        self.chars_ = CompactTfidf(features.chars_, tuple(features.chars_.ngram_range))
        self.fitted_groups: tuple[str, ...] | None = getattr(features, "cue_groups_", None)

    def width(self) -> int:
        groups = self.fitted_groups if self.fitted_groups is not None else tuple(CUE_GROUPS)
        return len(self.morphemes_.vocabulary_) + len(self.chars_.vocabulary_) + 2 * len(groups)

    def transform(self, docs: Sequence[Doc]) -> list[Row]:
        return [self._row(doc) for doc in docs]

    def _row(self, doc: Doc) -> Row:
        row = self.morphemes_.row(doc.text)
        offset = len(self.morphemes_.vocabulary_)
        row.update({offset + column: value for column, value in self.chars_.row(doc.text).items()})
        offset += len(self.chars_.vocabulary_)
        for index, value in enumerate(cue_vector(doc, self.fitted_groups)):
            if value:
                row[offset + index] = value * self.cue_weight
        return row


class CompactLogistic:
    """A fitted ``LogisticRegression``'s classes, weights and intercepts; ``predict_proba`` as scikit-learn's."""

    def __init__(self, classifier: Any) -> None:
        self.classes_ = [str(value) for value in classifier.classes_]
        self.weights = [array("d", (float(value) for value in line)) for line in classifier.coef_]
        self.intercepts = [float(value) for value in classifier.intercept_]
        self.n_features_in_ = int(classifier.n_features_in_)

    def predict_proba(self, rows: Sequence[Row]) -> list[list[float]]:
        return [self._probabilities(row) for row in rows]

    def _probabilities(self, row: Row) -> list[float]:
        # The products summed in C (itemgetter, map): a generator per class cost more than the rest of triage;
        # the same products in the same order, so the same floats.
        values = list(row.values())
        pick = _picker(list(row))
        scores = [
            intercept + sum(map(mul, values, pick(weights)))
            for weights, intercept in zip(self.weights, self.intercepts, strict=True)
        ]
        if len(scores) == 1:  # two classes: one weight line for the second class
            positive = _expit(scores[0])
            return [1.0 - positive, positive]
        top = max(scores)
        exponentials = [math.exp(score - top) for score in scores]
        total = sum(exponentials)
        return [value / total for value in exponentials]


def _picker(columns: list[int]) -> Callable[[array[float]], Sequence[float]]:
    """The weights of ``columns`` from a weight line, as a tuple (``itemgetter`` alone gives a bare value for one)."""
    if len(columns) == 1:
        column = columns[0]
        return lambda weights: (weights[column],)
    if not columns:
        return lambda weights: ()
    return itemgetter(*columns)


def _expit(value: float) -> float:
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exponential = math.exp(value)
    return exponential / (1.0 + exponential)


def compact(model: TriageModel) -> TriageModel:
    """A copy of a fitted model that predicts the same without scikit-learn (the rules-only model as it is)."""
    if model.features is None or not model.classifiers:
        return model
    light = copy.copy(model)
    light.features = CompactFeatures(model.features)  # type: ignore[assignment]
    light.classifiers = {name: CompactLogistic(c) for name, c in model.classifiers.items()}
    return light
