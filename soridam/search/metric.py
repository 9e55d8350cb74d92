"""A paraphrase metric for the e5 embeddings, learned from public same-meaning sentence pairs.

Two sentences that mean the same still differ in their embeddings, and they differ mostly along a few directions
(wording, length, particles, spelling) that say little about meaning. The metric shrinks those directions: with
``C`` the covariance of the differences between the vectors of same-meaning pairs, vectors are mapped by
``(C + ridge·I)^(-1/2)`` (a Mahalanobis distance fitted to paraphrases, as in metric learning) and normalised
again. Only the strongest ``RANK`` directions of ``C`` are kept; along every other direction the map is
(nearly) the identity, so it is stored as ``RANK`` vectors and as many factors:

    x' = x + ((x @ U) * factors) @ U.T          with factors = sqrt(ridge / (eigenvalue + ridge)) - 1

It is used between the query and bare questions only (documents without a body, e.g. saved questions), the
kind of pair it was fitted on; an article with a body stays a passage compared by the plain cosine. On the
ko-question-pair test file (``--distractors same-meaning``), the semantic ranking alone went from 0.838 to 0.855
top 3 (search/README.md). The pairs are ko-question-pair's TRAIN file without any pair that shares a
sentence with the test file (``manage.py fit_paraphrase_metric`` writes ``paraphrase_metric.npz``).

``hubness`` is the other correction, for every document: how close each one is to its nearest neighbours, which
retrieval subtracts (CSLS) so that a document near everything does not come near the top for every query.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

METRIC_FILE = Path(__file__).resolve().parent / "paraphrase_metric.npz"
RANK = 32
# Chosen among 1e-4, 3e-4, 1e-3, 3e-3, 1e-2: from 1e-3 to 3e-3 the check gained the same, smaller ridges
# over-shrink (the differences' small eigenvalues are noise), larger ones barely change the vectors.
RIDGE = 0.003

# CSLS's neighbourhood, as in its paper and in mining.NEIGHBOURS (not tuned on any check).
HUB_NEIGHBOURS = 10

Matrix = np.ndarray[Any, np.dtype[np.float32]]

_lock = threading.Lock()
_loaded: dict[str, tuple[Matrix, Matrix] | None] = {}


def fit(first: Matrix, second: Matrix, *, rank: int = RANK, ridge: float = RIDGE) -> tuple[Matrix, Matrix]:
    """(directions ``rank × dim``, factors ``rank``) from the unit vectors of same-meaning pairs, row by row."""
    if first.shape != second.shape or len(first) < rank:
        raise ValueError(f"need at least {rank} pairs of vectors of the same shape, got {first.shape}, {second.shape}")
    differences = (first - second).astype(np.float64)
    covariance = differences.T @ differences / len(differences)
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    strongest = np.argsort(-eigenvalues)[:rank]
    factors = np.sqrt(ridge / (np.maximum(eigenvalues[strongest], 0.0) + ridge)) - 1.0
    return eigenvectors[:, strongest].T.astype(np.float32), factors.astype(np.float32)


def save(path: Path, directions: Matrix, factors: Matrix) -> None:
    with path.open("wb") as handle:
        np.savez_compressed(handle, directions=directions, factors=factors)


def _metric() -> tuple[Matrix, Matrix] | None:
    """The shipped metric, read once; None when the file is missing (the plain cosine is used then)."""
    with _lock:
        if "metric" not in _loaded:
            if METRIC_FILE.is_file():
                with np.load(METRIC_FILE) as stored:
                    _loaded["metric"] = (stored["directions"], stored["factors"])
            else:
                _loaded["metric"] = None
        return _loaded["metric"]


def hubness(matrix: Matrix, *, neighbours: int = HUB_NEIGHBOURS, chunk: int = 512) -> Matrix:
    """Each row's mean similarity to its ``neighbours`` nearest other rows: how crowded its neighbourhood is.

    A short, generic question (뭐라고 할 말이 없네) sits close to many others and so comes near the top for
    many unrelated queries: a "hub" of the embedding space. CSLS (cross-domain similarity local scaling)
    ranks by ``2·cos(q, d) - r(q) - r(d)``; ``r(q)`` is the same for every document, so the ranking is
    ``cos(q, d) - r(d) / 2``, which is what retrieval subtracts. Computed in chunks of rows, so 10,000
    documents never need a 10,000 × 10,000 matrix at once."""
    count = len(matrix)
    if count < 2:
        return np.zeros(count, dtype=np.float32)
    nearest = min(neighbours, count - 1)
    found = np.empty(count, dtype=np.float32)
    for start in range(0, count, chunk):
        block = matrix[start : start + chunk] @ matrix.T
        rows = np.arange(len(block))
        block[rows, rows + start] = -np.inf  # a row is not its own neighbour
        found[start : start + chunk] = np.partition(block, count - nearest, axis=1)[:, count - nearest :].mean(axis=1)
    return found


def apply(vectors: Matrix, metric: tuple[Matrix, Matrix] | None = None) -> Matrix:
    """Unit vectors (rows) mapped by the metric and normalised again, so a dot product is the metric's cosine."""
    metric = _metric() if metric is None else metric
    if metric is None or vectors.size == 0:
        return vectors
    directions, factors = metric
    mapped = vectors + ((vectors @ directions.T) * factors) @ directions
    norms = np.linalg.norm(mapped, axis=-1, keepdims=True)
    result: Matrix = (mapped / np.maximum(norms, 1e-12)).astype(np.float32)
    return result
