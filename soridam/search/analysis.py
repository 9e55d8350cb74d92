"""Text to index keys, and a query to the slots the ranker scores.

Every key is letters and digits only; a two-letter Latin marker says what a key stands for, which no real
word can collide with because the rest of the key is Hangul jamo:

- a content morpheme in base form (배송지, 변경, 바꾸다, refund), Kiwi's analysis, the same for documents and queries;
- ``zj`` + the jamo of a word or morpheme, matched as a prefix while the customer types (벼 → 변경);
- chosung of morphemes, of neighbouring morphemes and of words (ㅂㅅㅈ, ㅂㅅㅈㅂㄱ), matched as a prefix;
- ``zt`` + a morpheme's jamo and its one-jamo deletions, for typos (배숑 meets 배송 on ㅂㅐㅅㅇ);
- ``zb`` + a character bigram of the text with its spaces removed, so spacing does not matter.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from soridam.lib.kiwi import CONTENT_TAG_PREFIXES, get_kiwi, morphemes

from . import hangul

JAMO = "zj"
TYPO = "zt"
BIGRAM = "zb"
MIN_TYPO_JAMO = 4  # shorter words are one slip away from too many others
MAX_CHOSUNG_SPAN = 3
MAX_BODY_CHARS = 20_000


def english_stem(word: str) -> str:
    """A light stemmer, so refunds, refunded and refunding meet refund (Korean words pass unchanged)."""
    if not word.isascii() or not word.isalpha():
        return word
    for suffix, replacement, shortest in (("ies", "y", 5), ("ing", "", 6), ("ed", "", 5), ("es", "", 5), ("s", "", 4)):
        if word.endswith(suffix) and len(word) >= shortest and not word.endswith("ss"):
            stem = word[: -len(suffix)] + replacement
            if suffix in ("ing", "ed") and len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] != "s":
                stem = stem[:-1]  # shipping → ship, cancelled → cancel
            return stem
    return word


def content_morphemes(text: str) -> list[str]:
    """Kiwi's content morphemes of `text`, cut to key characters (A/S → a, s), English words stemmed."""
    out: list[str] = []
    for morpheme in morphemes(text) if text.strip() else ():
        out.extend(english_stem(word) for word in hangul.words(morpheme))
    return out


def typo_keys(word: str) -> set[str]:
    spelled = hangul.jamo(word)
    if len(spelled) < MIN_TYPO_JAMO or not hangul.has_hangul(word):
        return set()
    return {TYPO + variant for variant in hangul.deletions(spelled) | {spelled}}


def bigram_keys(text: str) -> list[str]:
    joined = "".join(hangul.words(text))
    return [BIGRAM + joined[i : i + 2] for i in range(len(joined) - 1)]


def _chosung_keys(pieces: list[str]) -> set[str]:
    keys: set[str] = set()
    for start in range(len(pieces)):
        for end in range(start + 1, min(start + MAX_CHOSUNG_SPAN, len(pieces)) + 1):
            initials = "".join(hangul.chosung(piece) for piece in pieces[start:end])
            if len(initials) >= 2:
                keys.add(initials)
    return keys


def document_keys(text: str, *, full: bool = True) -> list[str]:
    """The sorted, distinct keys of one field. ``full=False`` (cases) keeps morphemes and jamo prefixes only:
    agents search with whole words, and a million cases must stay small."""
    text = text[:MAX_BODY_CHARS]
    found = content_morphemes(text)
    keys = set(found)
    hangul_words = [word for word in hangul.words(text) if hangul.has_hangul(word)]
    keys.update(JAMO + hangul.jamo(word) for word in {*hangul_words, *found} if hangul.has_hangul(word))
    if full:
        keys.update(_chosung_keys([m for m in found if hangul.has_hangul(m)]))
        keys.update(hangul.chosung(word) for word in hangul_words if len(word) >= 2)
        for morpheme in found:
            keys.update(typo_keys(morpheme))
        keys.update(bigram_keys(text))
    return sorted(key for key in keys if key)


@dataclass(frozen=True)
class Option:
    """One way a part of the query can be found in a document."""

    key: str
    prefix: bool = False
    weight: float = 1.0


Part = tuple[Option, ...]


@dataclass(frozen=True)
class Reading:
    """One reading of a slot: all its parts should be found; the score is the share that is."""

    parts: tuple[Part, ...]
    weight: float = 1.0


@dataclass(frozen=True)
class Slot:
    """A word (or a phrase joined by a synonym) of the query; ``terms`` set its weight by their rarity."""

    readings: tuple[Reading, ...]
    terms: tuple[str, ...]
    chosung: bool = False


@dataclass(frozen=True)
class Query:
    slots: tuple[Slot, ...]
    bigrams: tuple[str, ...]
    latin_only: bool
    chosung_only: bool

    def keys(self) -> set[str]:
        return {option.key for slot in self.slots for r in slot.readings for part in r.parts for option in part}


def morpheme_part(morpheme: str, *, typing: bool) -> Part:
    options = [Option(morpheme)]
    options.extend(Option(key, weight=0.7) for key in sorted(typo_keys(morpheme)))
    if typing:
        # A verb's base form adds 다 (하 → 하다), which was not typed: the prefix is the stem.
        stem = morpheme[:-1] if morpheme.endswith("다") and len(morpheme) > 1 else morpheme
        key = JAMO + hangul.jamo(stem) if hangul.has_hangul(stem) else stem
        options.append(Option(key, prefix=True, weight=0.95))
    return tuple(options)


@lru_cache(maxsize=20_000)
def morphemes_by_word(text: str) -> tuple[tuple[str, ...], ...]:
    """The content morphemes of each word of `text` (as ``hangul.words`` splits it), from one Kiwi call for
    the whole query: one call costs about what one call per word would, and context helps the analysis."""
    normalised = hangul.normalise(text)
    spans = [match.start() for match in hangul.WORD.finditer(normalised)]
    found: list[list[str]] = [[] for _ in spans]
    if not spans:
        return ()
    for token in get_kiwi().tokenize(normalised):
        if not token.tag.startswith(CONTENT_TAG_PREFIXES) or token.tag.startswith("VC"):
            continue
        form = (token.form + "다" if token.tag.startswith("V") else token.form).lower()
        position = max(0, bisect_right(spans, token.start) - 1)
        found[position].extend(english_stem(word) for word in hangul.words(form))
    return tuple(tuple(words) for words in found)


def word_slot(word: str, found: Sequence[str], *, typing: bool) -> Slot:
    """A word of the query and its morphemes. `typing` marks the last word while it may still be unfinished."""
    found = list(found) or [word]
    parts = [morpheme_part(m, typing=typing and i == len(found) - 1) for i, m in enumerate(found)]
    readings = [Reading(tuple(parts))]
    if typing:
        key = JAMO + hangul.jamo(word) if hangul.has_hangul(word) else word
        readings.append(Reading(((Option(key, prefix=True),),)))
    if len(found) > 1 and typo_keys(word):
        # Kiwi splits an unknown (mistyped) word into pieces; the whole word may still be one slip from a term.
        readings.append(Reading((tuple(Option(key) for key in sorted(typo_keys(word))),), weight=0.7))
    return Slot(tuple(readings), tuple(found))


def chosung_slot(word: str) -> Slot:
    return Slot((Reading(((Option(word, prefix=True),),)),), (word,), chosung=True)


ENGLISH_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "i",
        "my",
        "me",
        "we",
        "our",
        "you",
        "your",
        "to",
        "of",
        "for",
        "in",
        "on",
        "at",
        "by",
        "with",
        "and",
        "or",
        "is",
        "are",
        "am",
        "be",
        "do",
        "does",
        "did",
        "can",
        "could",
        "will",
        "would",
        "should",
        "how",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "it",
        "its",
        "this",
        "that",
        "there",
        "here",
        "please",
        "want",
    ]
)


def analyse_query(text: str) -> Query:
    raw = hangul.words(text)
    typing = not text[-1:].isspace() and bool(raw) and text[-1:].isalnum()
    analysed = morphemes_by_word(text)
    slots: list[Slot] = []
    for position, word in enumerate(raw):
        is_last = typing and position == len(raw) - 1
        if hangul.is_chosung(word):
            slots.append(chosung_slot(word))
        elif word in ENGLISH_STOPWORDS and not is_last:
            continue
        else:
            slots.append(word_slot(word, analysed[position], typing=is_last))
    plain = " ".join(word for word in raw if not hangul.is_chosung(word))
    return Query(
        slots=tuple(slots),
        bigrams=tuple(dict.fromkeys(bigram_keys(plain))),
        latin_only=bool(raw) and not any(hangul.has_hangul(word) for word in raw),
        chosung_only=bool(raw) and all(hangul.is_chosung(word) for word in raw),
    )


def phrase_morphemes(phrases: Iterable[str]) -> list[tuple[str, ...]]:
    return [tuple(content_morphemes(phrase)) for phrase in phrases if content_morphemes(phrase)]
