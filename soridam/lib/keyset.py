"""Keyset (cursor) pagination: each page costs the same, however deep.

A cursor is the sort key of the last row shown, plus its id as the tie-breaker, in URL-safe base64 JSON.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.db.models import DateTimeField, IntegerField, Model, Q, QuerySet

M = TypeVar("M", bound=Model)


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Ordering:
    """Sort by ``field`` then ``id``, both descending or both ascending."""

    field: str
    descending: bool = True

    def order_by(self) -> list[str]:
        sign = "-" if self.descending else ""
        return [f"{sign}{self.field}", f"{sign}id"]


@dataclass
class Page(Generic[M]):
    items: list[M]
    next_cursor: str | None


def encode_cursor(value: Any, row_id: int) -> str:
    if isinstance(value, datetime):
        value = {"dt": value.isoformat()}
    raw = json.dumps([value, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


MAX_ROW_ID = 2**63 - 1


def decode_cursor(cursor: str) -> tuple[Any, int]:
    """The (sort value, row id) a cursor carries. A hand-made cursor is refused here, before any query."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, row_id = json.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        raise BadCursor("the cursor is not valid") from None
    if isinstance(row_id, bool) or not isinstance(row_id, int) or not 0 <= row_id <= MAX_ROW_ID:
        raise BadCursor("the cursor is not valid")
    if isinstance(value, dict) and "dt" in value:
        try:
            value = datetime.fromisoformat(str(value["dt"]))
        except ValueError:
            raise BadCursor("the cursor is not valid") from None
        if value.tzinfo is None:
            raise BadCursor("the cursor is not valid")
    return value, row_id


def check_cursor(cursor: str, value_type: type) -> tuple[Any, int]:
    """Decode a cursor and make sure its sort value has the sort field's type (a datetime, an int …)."""
    value, row_id = decode_cursor(cursor)
    if not isinstance(value, value_type) or isinstance(value, bool):
        raise BadCursor("the cursor is not valid")
    return value, row_id


def _value_type(model: type[Model], field_name: str) -> type:
    field = model._meta.get_field(field_name)
    if isinstance(field, DateTimeField):
        return datetime
    if isinstance(field, IntegerField):
        return int
    return str


def paginate(queryset: QuerySet[M], ordering: Ordering, cursor: str | None, size: int) -> Page[M]:
    queryset = queryset.order_by(*ordering.order_by())
    if cursor:
        value, row_id = check_cursor(cursor, _value_type(queryset.model, ordering.field))
        op = "lt" if ordering.descending else "gt"
        # "field <= v AND (field < v OR id < last)": the first part is an index condition, so a
        # deep page seeks straight to its place instead of filtering every earlier row.
        queryset = queryset.filter(**{f"{ordering.field}__{op}e": value}).filter(
            Q(**{f"{ordering.field}__{op}": value}) | Q(**{f"id__{op}": row_id})
        )
    rows = list(queryset[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = encode_cursor(getattr(last, ordering.field), int(last.pk))
    return Page(items=rows, next_cursor=next_cursor)
