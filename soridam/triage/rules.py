"""The language of a message: Hangul versus Latin letters, ignoring addresses, handles, acronyms and PII values.

The priority rules live in ``priority``; the safety rule for the category in ``classifier``.
"""

from __future__ import annotations

import re

_HANGUL = re.compile(r"[가-힣ㄱ-ㅎㅏ-ㅣ]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_NOT_WORDS = re.compile(
    r"[\w.+-]+@[\w.-]+|https?://\S+|www\.\S+|@\w+|[A-Za-z]*\d[A-Za-z\d]*|(?<![A-Za-z])[A-Z][A-Z/&.]+(?![a-z])"
)


def language(text: str) -> tuple[str, float]:
    """ko, en or mixed, with a confidence. Acronyms (ID, A/S, VIP), e-mail addresses and handles keep Korean `ko`."""
    cleaned = _NOT_WORDS.sub(" ", text)
    hangul = len(_HANGUL.findall(cleaned))
    words = [w for w in _LATIN_WORD.findall(cleaned) if len(w) > 1 or w in ("a", "I")]
    latin = sum(len(w) for w in words)
    if hangul == 0:
        return ("en", 0.99) if words else ("ko", 0.5)
    if latin > 3 * hangul:
        return "en", 0.9
    if words:
        return "mixed", 0.8 if len(words) > 1 else 0.65
    return "ko", 0.95
