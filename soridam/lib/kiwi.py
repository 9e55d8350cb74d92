"""One lazily created Kiwi per process: Korean morphemes for search and triage.

Kiwi takes about 1 s and 300 MB to start without its multi-word dictionary (500 MB and several seconds with
it: ``SORIDAM_KIWI_MULTI_WORD_DICT``), so it is built on first use, never at import,
and never on a request path that must stay fast. Under the supervisor (`make run`) one analyser process holds
the only Kiwi and the others ask it (``SORIDAM_ANALYSER_SOCKET``, ``lib.analyser``).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

from soridam.lib.analyser import RemoteKiwi, new_kiwi

# Content-bearing tags: nouns, verbs/adjectives, adverbs/determiners, foreign words, numbers, roots.
CONTENT_TAG_PREFIXES = ("N", "V", "M", "SL", "SN", "XR")

_lock = threading.Lock()
_kiwi: Any = None


def get_kiwi() -> Any:
    """This process's Kiwi, or the analyser process's when ``SORIDAM_ANALYSER_SOCKET`` names one."""
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                from django.conf import settings

                socket_path = getattr(settings, "SORIDAM_ANALYSER_SOCKET", "")
                if socket_path:
                    _kiwi = RemoteKiwi(socket_path)
                else:
                    _kiwi = new_kiwi(multi_word_dict=getattr(settings, "SORIDAM_KIWI_MULTI_WORD_DICT", False))
    return _kiwi


@lru_cache(maxsize=20_000)
def morphemes(text: str) -> tuple[str, ...]:
    """The content morphemes of `text` in base form (verbs get their dictionary ending, 변경하다 → 변경/하)."""
    tokens = get_kiwi().tokenize(text)
    return tuple(
        (token.form + "다" if token.tag.startswith("V") else token.form).lower()
        for token in tokens
        if token.tag.startswith(CONTENT_TAG_PREFIXES) and not token.tag.startswith("VC")
    )
