"""How long an SMS text is, in the bytes Korean carriers count, and whether it can be sent at all.

channels.md §8: SMS holds 90 bytes, LMS 2,000 (its subject 40), counted in EUC-KR: ASCII is 1 byte, a
KS X 1001 character (the 2,350 common Hangul syllables, Hanja, symbols) is 2. A provider that meets a longer
text cuts it (SENS does) and one that meets a character outside EUC-KR fails or shows garbage, so both are
refused here with a reason the agent can act on, before anything is sent; nothing is ever cut.

Two traps. Emoji are in no Korean charset. The 8,822 syllables that only CP949 (Microsoft's extension, "UHC")
has, such as 똠 or 햏, are not EUC-KR either: Python's ``euc_kr`` codec still "encodes" them as an 8-byte KS X
1001 make-up sequence that handsets do not assemble, and ``cp949`` encodes them as 2 bytes that a carrier
counting EUC-KR may reject. We refuse them, naming the character, rather than guess what the handset shows.
A character is therefore sendable when its CP949 bytes are ASCII, or two bytes both in 0xA1-0xFE (the
EUC-KR plane), and the byte count is then exactly ``len(text.encode("cp949"))``.

This module imports nothing of ours: the transport, the case actions and the AlimTalk fallback all use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

SMS_MAX_BYTES = 90
LMS_MAX_BYTES = 2000
SUBJECT_MAX_BYTES = 40
_ALLOWED_CONTROLS = frozenset("\n\r\t")


class SmsType(StrEnum):
    SMS = "SMS"
    LMS = "LMS"


class TextRefused(ValueError):
    """The text cannot go by SMS/LMS as written; the message says why, for the agent."""


@dataclass(frozen=True)
class Measured:
    type: SmsType
    size: int  # bytes, as the carrier counts them


def byte_size(text: str) -> int:
    """The EUC-KR length of ``text``; raises TextRefused naming the first character that has none."""
    return sum(_char_size(char) for char in text)


def measure(content: str, subject: str = "") -> Measured:
    """SMS when the text fits 90 bytes and there is no subject, else LMS up to 2,000; longer is refused."""
    size = byte_size(content)
    subject_size = byte_size(subject)
    if subject_size > SUBJECT_MAX_BYTES:
        raise TextRefused(
            _("The subject is %(size)d bytes; an LMS subject holds %(limit)d.")
            % {"size": subject_size, "limit": SUBJECT_MAX_BYTES}
        )
    if not content.strip():
        raise TextRefused(_("The text message is empty."))
    if size <= SMS_MAX_BYTES and not subject:
        return Measured(SmsType.SMS, size)
    if size <= LMS_MAX_BYTES:
        return Measured(SmsType.LMS, size)
    raise TextRefused(
        _("The text is %(size)d bytes; a text message (LMS) holds at most %(limit)d (a Hangul syllable is 2 bytes).")
        % {"size": size, "limit": LMS_MAX_BYTES}
    )


def _char_size(char: str) -> int:
    if char.isascii():
        if char.isprintable() or char in _ALLOWED_CONTROLS:
            return 1
        raise _unsendable(char)
    try:
        encoded = char.encode("cp949")
    except UnicodeEncodeError:
        raise _unsendable(char) from None
    if len(encoded) == 2 and encoded[0] >= 0xA1 and encoded[1] >= 0xA1:
        return 2
    raise _unsendable(char)  # a CP949-only syllable (똠): outside EUC-KR


def _unsendable(char: str) -> TextRefused:
    return TextRefused(
        _("“%(char)s” (U+%(code)04X) cannot be sent by text message: remove it or write it another way.")
        % {"char": char if char.isprintable() else "?", "code": ord(char)}
    )
