"""A customer message keeps its original text, but the unique identifiers, card and account numbers in it are
sealed (R-SEC-3, SPEC §5.1): the stored copy that every surface reads shows them masked, and
``SealedValue`` rows hold them encrypted for the reveal flow. Phones and e-mail addresses stay in the text
(masked on display by ``presenter.shown``): a reply needs them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from soridam.cases.models import Message
from soridam.privacy import pii
from soridam.privacy.models import SealedValue

SEALED_TYPES = frozenset({"rrn", "card", "account"})


@dataclass(frozen=True)
class Piece:
    kind: str
    start: int  # in the sealed text
    end: int
    value: str


@dataclass(frozen=True)
class Sealed:
    text: str
    pieces: tuple[Piece, ...] = ()


def seal(text: str) -> Sealed:
    """``text`` with every unique identifier, card and account number masked, and the values taken out."""
    spans = [span for span in pii.detect(text) if span.type in SEALED_TYPES]
    if not spans:
        return Sealed(text)
    parts: list[str] = []
    pieces: list[Piece] = []
    last = length = 0
    for span in spans:
        before = text[last : span.start]
        value = text[span.start : span.end]
        masked = pii.mask_as(span.type, value)
        start = length + len(before)
        parts += [before, masked]
        length = start + len(masked)
        pieces.append(Piece(span.type, start, length, value))
        last = span.end
    parts.append(text[last:])
    return Sealed("".join(parts), tuple(pieces))


def keep(message: Message, field: str, pieces: Iterable[Piece]) -> None:
    """Store ``pieces`` of ``message``'s ``field`` (body, or subject for the case's first message)."""
    rows = [
        SealedValue(message=message, field=field, kind=p.kind, start=p.start, end=p.end, value=p.value) for p in pieces
    ]
    if rows:
        SealedValue.objects.bulk_create(rows)


def unseal(text: str, values: Sequence[SealedValue]) -> str:
    """``text`` as the customer wrote it; a value whose span no longer fits the text is left masked."""
    for row in sorted(values, key=lambda r: r.start, reverse=True):
        if row.end <= len(text) and row.value:
            text = text[: row.start] + row.value + text[row.end :]
    return text


def original_body(message: Message) -> str:
    return unseal(message.body, list(SealedValue.objects.filter(message=message, field="body")))


def original_subject(message: Message) -> str:
    return unseal(message.case.subject, list(SealedValue.objects.filter(message=message, field="subject")))
