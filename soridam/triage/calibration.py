"""Confidences that mean what they say: Platt scaling fitted on held-back (out-of-fold) predictions.

A logistic regression's top probability is not the chance that it is right: trained with balanced class
weights on a few hundred labels it is over-confident on short texts and under-confident on long ones.
While a model is fitted, each training example is also predicted by a model that never saw it (k folds);
the calibrator learns P(right | top probability) from those pairs. The review threshold (55 % by default)
then reads as "a better than even chance that this field is right".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # fitting needs them; a fitted Calibrator (pickled in a model) is plain Python
    from sklearn.linear_model import LogisticRegression

FOLDS = 5
_EPSILON = 1e-4


def _logit(probability: float) -> float:
    clipped = min(max(probability, _EPSILON), 1 - _EPSILON)
    return math.log(clipped / (1 - clipped))


class Calibrator:
    """P(right) = sigmoid(slope · logit(p) + intercept); the identity until fitted."""

    def __init__(self) -> None:
        self.slope = 1.0
        self.intercept = 0.0

    def fit(self, probabilities: Sequence[float], right: Sequence[bool]) -> Calibrator:
        """Needs both right and wrong examples; with only one kind the identity is kept."""
        if len(set(right)) < 2:
            return self
        import numpy as np
        from sklearn.linear_model import LogisticRegression

        features = np.array([[_logit(p)] for p in probabilities])
        regression = LogisticRegression(C=1.0).fit(features, np.array(right, dtype=int))
        self.slope, self.intercept = float(regression.coef_[0][0]), float(regression.intercept_[0])
        return self

    def __call__(self, probability: float) -> float:
        z = self.slope * _logit(probability) + self.intercept
        return 1 / (1 + math.exp(-z))


def out_of_fold(
    matrix: Any, labels: Sequence[str], make: Callable[[], LogisticRegression]
) -> list[dict[str, float]] | None:
    """Each row's class probabilities from a classifier fitted on the other folds (None: too few labels)."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    smallest = min(Counter(labels).values())
    folds = min(FOLDS, smallest)
    if folds < 2:
        return None
    gold = np.array(labels)
    predicted: list[dict[str, float]] = [{} for _ in labels]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    for train, test in splitter.split(np.zeros(len(labels)), gold):
        classifier = make().fit(matrix[train], gold[train])
        for row, probabilities in zip(test, classifier.predict_proba(matrix[test]), strict=True):
            predicted[row] = {str(c): float(p) for c, p in zip(classifier.classes_, probabilities, strict=True)}
    return predicted
