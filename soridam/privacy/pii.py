"""Detect and mask personal data in free text (R-SEC PII items; korea-compliance.md §3–5).

Pattern-based and fast (well under a millisecond per message), so it can run on every inbound message,
every log line and every outbound payload. Resident registration numbers match on the pattern alone:
numbers issued since October 2020 carry no checksum. Card numbers must pass Luhn. Account numbers need a
bank name or the word 계좌/account nearby, which keeps order numbers and amounts out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

PII_TYPES = ("phone", "email", "rrn", "card", "account", "address")


@dataclass(frozen=True)
class Span:
    type: str
    start: int
    end: int


_SEP = r"\s?[-–—.]?\s?"  # hyphens, en dashes, dots, spaces or nothing
_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_RRN = re.compile(r"(?<![\dA-Za-z])\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\s?[-–]?\s?[1-8]\d{6}(?!\d)")
_CARD = re.compile(r"(?<![\dA-Za-z-])(?:\d{4}[- –.]?\d{6}[- –.]?\d{5}|\d{4}(?:[- –.]?\d{4}){3})(?![\d-])")
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"\+82"
    + _SEP
    + r"\(?0?\)?(?:1[016789]|2|[3-6][1-5]|70)"
    + _SEP
    + r"\d{3,4}"
    + _SEP
    + r"\d{4}"  # international form
    r"|01[016789]" + _SEP + r"\d{3,4}" + _SEP + r"\d{4}"  # mobile
    r"|\(?0(?:2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70|50\d)\)?[-. ]?\d{3,4}" + _SEP + r"\d{4}"  # landline, VoIP, safe no.
    r")(?!\d)"
)
# One separator throughout: a hyphenated account number followed by a space and another identifier (an RRN, a
# phone) is two values, not one long "account" that the other then hides.
_ACCOUNT_NUMBER = re.compile(
    r"(?<![\d-])(?:\d{2,6}(?:-\d{2,7}){1,4}|\d{2,6}(?: \d{2,7}){1,4})(?![\d-])|(?<!\d)\d{10,14}(?!\d)"
)
_BANK_WORDS = re.compile(
    r"계좌|통장|은행|account|bank|국민|신한|우리|하나|농협|기업|카카오뱅크|케이뱅크|토스뱅크|우체국|새마을|신협|"
    r"수협|부산|대구|경남|광주|전북|제주|SC|씨티|산업",
    re.IGNORECASE,
)
_PARCEL_WORDS = re.compile(r"택배|송장|운송장|등기|tracking", re.IGNORECASE)
_ADDRESS = re.compile(
    r"(?:(?:[가-힣]{1,10}(?:특별시|광역시|특별자치시|특별자치도|도|시)\s)?[가-힣]{1,10}(?:시|군|구)\s)?"
    r"(?:[가-힣0-9]{1,12}(?:시|군|구)\s)?"
    r"[가-힣0-9·]{1,20}(?:로|길)\s?\d{1,4}(?:-\d{1,4})?(?:번길\s?\d{1,4}(?:-\d{1,4})?)?"
    r"(?:,?\s?(?:[가-힣A-Za-z]{0,12}\s?)?\d{1,4}동\s?\d{1,4}호|,?\s?\d{1,4}호)?"
    r"|[가-힣]{1,10}(?:아파트|빌라|오피스텔|맨션|타워)\s?\d{1,4}동\s?\d{1,4}호"
    r"|[가-힣]{1,10}(?:시|군|구)\s[가-힣0-9]{1,10}(?:동|리|가)\s?\d{1,5}(?:-\d{1,5})?(?:번지)?"  # lot number (지번)
    r"|\d{1,4}(?:-\d{1,4})?\s[A-Z][a-z]+(?:-[a-z]+)?-(?:ro|gil|daero)\b(?:\s?\d+(?:beon)?-?gil)?(?:,\s?(?:Apt\.?|Unit|#)\s?\d+)?"
)
# A road address needs a district or a building number to find the building: "강남대로" alone is no address.
_ADDRESS_NEEDS = re.compile(
    r"(?:시|군|구)\s|\d{1,4}(?:동|호)|[A-Z][a-z]+-(?:ro|gil|daero)|(?:대로|번길|\d길)\s?\d|로\s?\d{1,4}-\d"
)


def _near_bank_word(text: str, start: int, end: int) -> bool:
    """A bank name or 계좌 just before the number (or right after it, "… (농협)"), but not a parcel number
    of 우체국택배."""
    before, after = text[max(0, start - 16) : start], text[end : end + 8]
    if _PARCEL_WORDS.search(before):
        return False
    return bool(_BANK_WORDS.search(before) or _BANK_WORDS.search(after))


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _only_digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _candidates(text: str) -> Iterator[Span]:
    """Every raw hit, in precedence order: the first type to claim a stretch of text keeps it."""
    for m in _EMAIL.finditer(text):
        yield Span("email", m.start(), m.end())
    for m in _CARD.finditer(text):
        if _luhn(_only_digits(m.group())):
            yield Span("card", m.start(), m.end())
    for m in _RRN.finditer(text):
        yield Span("rrn", m.start(), m.end())
    for m in _PHONE.finditer(text):
        yield Span("phone", m.start(), m.end())
    for m in _ACCOUNT_NUMBER.finditer(text):
        if 10 <= len(_only_digits(m.group())) <= 16 and _near_bank_word(text, m.start(), m.end()):
            yield Span("account", m.start(), m.end())
    for m in _ADDRESS.finditer(text):
        if _ADDRESS_NEEDS.search(m.group()):
            yield Span("address", m.start(), m.end())


def detect(text: str) -> list[Span]:
    """The PII spans of `text`, sorted by position, never overlapping."""
    taken: list[Span] = []
    for span in _candidates(text):
        if all(span.end <= other.start or span.start >= other.end for other in taken):
            taken.append(span)
    return sorted(taken, key=lambda s: s.start)


def types_in(text: str) -> list[str]:
    """The PII types present, in the fixed order of PII_TYPES."""
    found = {span.type for span in detect(text)}
    return [t for t in PII_TYPES if t in found]


# R-SEC-4 display rules: 010-****-5678, g***@example.com, 900101-1******, ****-****-****-1234.
# An RRN keeps its seventh digit (it encodes the century and sex, not the person); a card keeps only the last four.
_KEEP_HEAD = {"rrn": 7, "card": 0, "phone": 3, "account": 3}
_KEEP_TAIL = {"rrn": 0, "card": 4, "phone": 4, "account": 3}


def _mask_value(kind: str, value: str) -> str:
    """Display limits from R-SEC-4 (korea-compliance.md §3): keep enough to recognise, never enough to use."""
    if kind == "email":
        local, _, domain = value.partition("@")
        return local[:1] + "***@" + domain
    if kind == "address":
        return _mask_address(value)
    digits_seen = 0
    total = len(_only_digits(value))
    keep_head = 4 if kind == "phone" and value.startswith("+") else _KEEP_HEAD[kind]  # +82 counts as digits
    keep_tail = _KEEP_TAIL[kind]
    out = []
    for ch in value:
        if ch.isdigit():
            digits_seen += 1
            hidden = keep_head < digits_seen <= total - keep_tail
            out.append("*" if hidden else ch)
        else:
            out.append(ch)
    return "".join(out)


def _mask_address(value: str) -> str:
    """Keep the road (or building) name, hide the numbers after it: 서울 송파구 오금로 ***, ****."""
    road = re.search(r"[가-힣0-9·]+(?:로|길)(?=\s?\d)|[가-힣]+(?:아파트|빌라|오피스텔|맨션|타워)", value)
    if road is None or re.match(r"\d", value):  # English form: the house number comes first
        return re.sub(r"\d", "*", value)
    return value[: road.end()] + re.sub(r"[^\s,]", "*", value[road.end() :])


def mask(text: str) -> str:
    """`text` with every PII value replaced by its masked form."""
    spans = detect(text)
    if not spans:
        return text
    parts, last = [], 0
    for span in spans:
        parts.append(text[last : span.start])
        parts.append(_mask_value(span.type, text[span.start : span.end]))
        last = span.end
    parts.append(text[last:])
    return "".join(parts)


def mask_as(kind: str, value: str) -> str:
    """``value`` masked as a known type (a customer's own e-mail or phone field), even where ``detect``
    would not recognise it, e.g. a foreign phone number. A value that is not of that shape is masked as text."""
    if kind == "email" and "@" not in value:
        return mask(value)
    if kind != "email" and len(_only_digits(value)) < 8:
        return re.sub(r"\d", "*", value)  # too short to keep head and tail without showing it all
    if kind == "phone" and re.fullmatch(r"01\d{8,9}", value):  # stored as bare digits: shown as 010-****-5678
        value = f"{value[:3]}-{value[3:-4]}-{value[-4:]}"
    return _mask_value(kind, value)


def mask_payload(value: Any) -> Any:
    """Mask every string inside a JSON-like payload (dicts, lists, strings), for outbound webhooks.

    There are no outbound webhooks yet; whatever sends one must pass its body through this first.
    """
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {key: mask_payload(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_payload(item) for item in value]
    return value


def mask_log_event(logger: Any, method_name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: mask PII in every string value of a log record (korea-compliance.md §3)."""
    return {key: mask_payload(value) for key, value in event_dict.items()}
