"""Turning a message into features: PII-free normalised text, Kiwi morphemes, character n-grams, cue counts."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer

from soridam.lib.kiwi import morphemes
from soridam.triage.text import CUE_GROUPS, Doc, cue_vector


def morpheme_tokens(text: str) -> list[str]:
    """Module-level (not a lambda) so that a fitted vectoriser pickles."""
    return list(morphemes(text))


class TriageFeatures(BaseEstimator, TransformerMixin):
    """Morpheme TF-IDF + character 2–4-gram TF-IDF + weighted cue counts, one sparse row per Doc."""

    def __init__(self, cue_weight: float = 0.6) -> None:
        self.cue_weight = cue_weight

    def fit(self, docs: list[Doc], y: Any = None) -> TriageFeatures:
        texts = [doc.text for doc in docs]
        self.morphemes_ = TfidfVectorizer(analyzer=morpheme_tokens, sublinear_tf=True).fit(texts)
        self.chars_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True).fit(texts)
        self.cue_groups_ = tuple(CUE_GROUPS)
        return self

    @property
    def fitted_groups(self) -> tuple[str, ...] | None:
        """The cue groups of the fit; None for a model pickled before they were recorded."""
        return getattr(self, "cue_groups_", None)

    def width(self) -> int:
        """The number of columns ``transform`` makes now (a classifier fitted on another width cannot use them)."""
        groups = self.fitted_groups if self.fitted_groups is not None else tuple(CUE_GROUPS)
        return len(self.morphemes_.vocabulary_) + len(self.chars_.vocabulary_) + 2 * len(groups)

    def transform(self, docs: list[Doc]) -> Any:
        texts = [doc.text for doc in docs]
        cues = np.array([cue_vector(doc, self.fitted_groups) for doc in docs], dtype=float) * self.cue_weight
        return hstack([self.morphemes_.transform(texts), self.chars_.transform(texts), csr_matrix(cues)]).tocsr()
