"""Hangul arithmetic for search-as-you-type: jamo, chosung and typo keys.

A precomposed syllable is ``0xAC00 + (initial * 21 + vowel) * 28 + final``. Jamo are spelled the way they are
typed on a 2-set keyboard (ㅘ is ㅗ then ㅏ, ㄺ is ㄹ then ㄱ), so a syllable still being typed (벼 on the way to 변)
is a prefix of the finished word's jamo, and a keyboard slip is one jamo away from the right word.
"""

from __future__ import annotations

import re
import unicodedata

SYLLABLE_FIRST = 0xAC00
SYLLABLE_LAST = 0xD7A3
INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
FINALS = ("", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")
# Compound jamo as they are typed: two keys each.
KEYSTROKES = {
    "ㅘ": "ㅗㅏ",
    "ㅙ": "ㅗㅐ",
    "ㅚ": "ㅗㅣ",
    "ㅝ": "ㅜㅓ",
    "ㅞ": "ㅜㅔ",
    "ㅟ": "ㅜㅣ",
    "ㅢ": "ㅡㅣ",
    "ㄳ": "ㄱㅅ",
    "ㄵ": "ㄴㅈ",
    "ㄶ": "ㄴㅎ",
    "ㄺ": "ㄹㄱ",
    "ㄻ": "ㄹㅁ",
    "ㄼ": "ㄹㅂ",
    "ㄽ": "ㄹㅅ",
    "ㄾ": "ㄹㅌ",
    "ㄿ": "ㄹㅍ",
    "ㅀ": "ㄹㅎ",
    "ㅄ": "ㅂㅅ",
}
CONSONANTS = frozenset("ㄱㄲㄳㄴㄵㄶㄷㄸㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅃㅄㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ")
# Keys are letters and digits only, so both FTS5's unicode61 tokenizer and PostgreSQL's 'simple' parser
# keep each key whole. Anything else separates words.
WORD = re.compile(r"[^\W_]+")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


def words(text: str) -> list[str]:
    """The runs of letters and digits of `text` (punctuation and spaces split them)."""
    return WORD.findall(normalise(text))


def is_syllable(char: str) -> bool:
    return SYLLABLE_FIRST <= ord(char) <= SYLLABLE_LAST


def has_hangul(text: str) -> bool:
    return any(is_syllable(char) or char in CONSONANTS or "ㅏ" <= char <= "ㅣ" for char in text)


def is_chosung(word: str) -> bool:
    """True for a word typed as initial consonants only (ㅂㅅㅈ)."""
    return bool(word) and all(char in CONSONANTS for char in word)


def jamo(text: str) -> str:
    """`text` spelled as keystrokes: 변경 → ㅂㅕㄴㄱㅕㅇ. Other characters are kept as they are."""
    out: list[str] = []
    for char in text:
        if is_syllable(char):
            index = ord(char) - SYLLABLE_FIRST
            out.append(INITIALS[index // 588])
            vowel = VOWELS[(index % 588) // 28]
            out.append(KEYSTROKES.get(vowel, vowel))
            final = FINALS[index % 28]
            out.append(KEYSTROKES.get(final, final))
        else:
            out.append(KEYSTROKES.get(char, char))
    return "".join(out)


def chosung(text: str) -> str:
    """The initial consonants of the syllables of `text` (배송지 → ㅂㅅㅈ); consonants typed alone count too."""
    out: list[str] = []
    for char in text:
        if is_syllable(char):
            out.append(INITIALS[(ord(char) - SYLLABLE_FIRST) // 588])
        elif char in CONSONANTS:
            out.append(char)
    return "".join(out)


def deletions(spelled: str) -> set[str]:
    """`spelled` with any one jamo left out. Two words share a deletion when they are one slip apart
    (a substitution, an extra or a missing jamo): the symmetric-delete trick, without a dictionary scan."""
    return {spelled[:i] + spelled[i + 1 :] for i in range(len(spelled))}


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]
