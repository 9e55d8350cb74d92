"""Rules the labelling guide ranks above any learned weight, and the language of a message.

- A safety incident is a product case and urgent, whatever else the message says.
- Legal threats, fraud and security incidents, and a third contact about one problem are urgent.
- Language: Hangul versus Latin letters, ignoring addresses, handles, acronyms and PII values.
"""

from __future__ import annotations

import re

from soridam.triage import lexicon

URGENT_SIGNALS = ("safety", "legal", "repeat_third", "fraud_account", "fraud_payment")
# A fraud cue alone is weak ("승인 문자" also comes with a failed payment); fraud is urgent with a harm cue.
_FRAUD_HARM = (
    "안 한",
    "하지 않은",
    "적 없",
    "모르는",
    "도용",
    "해킹",
    "피싱",
    "사칭",
    "유출",
    "사기",
    "가져간",
    "무단",
)

_HANGUL = re.compile(r"[가-힣ㄱ-ㅎㅏ-ㅣ]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_NOT_WORDS = re.compile(
    r"[\w.+-]+@[\w.-]+|https?://\S+|www\.\S+|@\w+|[A-Za-z]*\d[A-Za-z\d]*|(?<![A-Za-z])[A-Z][A-Z/&.]+(?![a-z])"
)


def urgent_signals(text: str, signals: set[str]) -> list[str]:
    """The urgent signals present in lower-cased `text` (see LABELING.md, priority: urgent)."""
    found = [name for name in URGENT_SIGNALS if name in signals]
    if any(name.startswith("fraud_") for name in found) and not lexicon.hits(text, _FRAUD_HARM):
        found = [name for name in found if not name.startswith("fraud_")]
    return found


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
