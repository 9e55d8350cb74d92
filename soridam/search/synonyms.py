"""Admin-edited synonym groups (환불 ↔ 돈 돌려받기 ↔ refund), applied to a query as extra readings.

When a group member's morphemes occur in a row in the query, the words they span become one slot that also
accepts every other member in their place. Groups are read once per change (their count and newest edit).
"""

from __future__ import annotations

import threading
from dataclasses import replace

from django.db import connection

from .analysis import Part, Query, Reading, Slot, morpheme_part, phrase_morphemes
from .models import Synonym

SYNONYM_WEIGHT = 0.9

_lock = threading.Lock()
_cache: dict[str, object] = {}


def groups() -> list[list[tuple[str, ...]]]:
    """The active groups, each as its members' morpheme sequences."""
    with connection.cursor() as cursor:
        # Plain SQL: this runs on every keystroke, and the ORM's aggregate costs more than the query.
        cursor.execute("SELECT count(*), max(updated_at) FROM search_synonym WHERE is_active")
        stamp = cursor.fetchone()
    with _lock:
        if _cache.get("stamp") == stamp:
            return _cache["groups"]  # type: ignore[return-value]
    loaded = [phrase_morphemes(group.members()) for group in Synonym.objects.filter(is_active=True)]
    loaded = [members for members in loaded if len(members) > 1]
    with _lock:
        _cache.update(stamp=stamp, groups=loaded)
    return loaded


def _find(flat: list[tuple[int, str]], member: tuple[str, ...]) -> int:
    terms = [term for _, term in flat]
    for start in range(len(terms) - len(member) + 1):
        if tuple(terms[start : start + len(member)]) == member:
            return start
    return -1


def _merge(
    query: Query, flat: list[tuple[int, str]], start: int, member: tuple[str, ...], others: list[tuple[str, ...]]
) -> Query:
    first, last = flat[start][0], flat[start + len(member) - 1][0]
    spanned = query.slots[first : last + 1]
    parts: list[Part] = [part for slot in spanned for part in slot.readings[0].parts]
    before = start - next(i for i, (slot, _) in enumerate(flat) if slot == first)
    after = before + len(member)
    readings = [Reading(tuple(parts))] + ([*spanned[0].readings[1:]] if len(spanned) == 1 else [])
    for other in others:
        swapped = [*parts[:before], *(morpheme_part(m, typing=False) for m in other), *parts[after:]]
        readings.append(Reading(tuple(swapped), weight=SYNONYM_WEIGHT))
    merged = Slot(tuple(readings), tuple(term for slot in spanned for term in slot.terms))
    return replace(query, slots=(*query.slots[:first], merged, *query.slots[last + 1 :]))


def _flatten(query: Query) -> list[tuple[int, str]]:
    flat: list[tuple[int, str]] = []
    for index, slot in enumerate(query.slots):
        if not slot.chosung and len(slot.readings[0].parts) == len(slot.terms):
            flat.extend((index, term) for term in slot.terms)
    return flat


def expand(query: Query) -> Query:
    present = {term for slot in query.slots for term in slot.terms}
    for members in groups():
        if not any(member[0] in present for member in members):
            continue
        for member in members:
            flat = _flatten(query)
            start = _find(flat, member)
            if start >= 0:
                query = _merge(query, flat, start, member, [m for m in members if m != member])
                break
    return query
