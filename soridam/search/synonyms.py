"""Synonym groups (환불 ↔ 돈 돌려받기 ↔ refund), applied to a query as extra readings.

When a group member's morphemes occur in a row in the query, the words they span become one slot that also
accepts every other member in their place, at the group's weight. Members are compared as morpheme base forms,
so 늦게 와요, 늦었어요 and 늦다 all find a group holding 늦다. Groups are written by admins or mined
(``manage.py mine_synonyms``, lower weight); they are read once per change (their count and newest edit) and
indexed by their members' first morpheme, so a query only looks at the groups its words can start.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.db import connection

from .analysis import Part, Query, Reading, Slot, morpheme_part, phrase_morphemes
from .models import Synonym

_lock = threading.Lock()
_cache: dict[str, object] = {}


@dataclass(frozen=True)
class Group:
    members: tuple[tuple[str, ...], ...]  # each member's morpheme sequence
    weight: float


Groups = dict[str, list[Group]]  # by the first morpheme of each member


def groups() -> Groups:
    """The active groups, indexed by their members' first morphemes."""
    with connection.cursor() as cursor:
        # Plain SQL: this runs on every keystroke, and the ORM's aggregate costs more than the query.
        cursor.execute("SELECT count(*), max(updated_at) FROM search_synonym WHERE is_active")
        stamp = cursor.fetchone()
    with _lock:
        if _cache.get("stamp") == stamp:
            return _cache["groups"]  # type: ignore[return-value]
    loaded = index_groups(
        Group(tuple(phrase_morphemes(row.members())), row.weight) for row in Synonym.objects.filter(is_active=True)
    )
    with _lock:
        _cache.update(stamp=stamp, groups=loaded)
    return loaded


def index_groups(found: Iterable[Group]) -> Groups:
    indexed: Groups = {}
    for group in found:
        if len(group.members) < 2:
            continue
        for first in dict.fromkeys(member[0] for member in group.members):
            indexed.setdefault(first, []).append(group)
    return indexed


def _find(flat: list[tuple[int, str]], member: tuple[str, ...]) -> int:
    terms = [term for _, term in flat]
    for start in range(len(terms) - len(member) + 1):
        if tuple(terms[start : start + len(member)]) == member:
            return start
    return -1


def _merge(query: Query, flat: list[tuple[int, str]], start: int, member: tuple[str, ...], group: Group) -> Query:
    first, last = flat[start][0], flat[start + len(member) - 1][0]
    spanned = query.slots[first : last + 1]
    parts: list[Part] = [part for slot in spanned for part in slot.readings[0].parts]
    before = start - next(i for i, (slot, _) in enumerate(flat) if slot == first)
    after = before + len(member)
    readings = [Reading(tuple(parts))] + ([*spanned[0].readings[1:]] if len(spanned) == 1 else [])
    for other in group.members:
        if other != member:
            swapped = [*parts[:before], *(morpheme_part(m, typing=False) for m in other), *parts[after:]]
            readings.append(Reading(tuple(swapped), weight=group.weight))
    merged = Slot(tuple(readings), tuple(term for slot in spanned for term in slot.terms))
    return replace(query, slots=(*query.slots[:first], merged, *query.slots[last + 1 :]))


def _flatten(query: Query) -> list[tuple[int, str]]:
    flat: list[tuple[int, str]] = []
    for index, slot in enumerate(query.slots):
        if not slot.chosung and len(slot.readings[0].parts) == len(slot.terms):
            flat.extend((index, term) for term in slot.terms)
    return flat


def expand(query: Query, indexed: Groups | None = None) -> Query:
    """`query` with the readings of every group one of whose members it contains (the active groups unless
    `indexed` is given)."""
    indexed = groups() if indexed is None else indexed
    present = dict.fromkeys(term for slot in query.slots for term in slot.terms)
    seen: set[int] = set()
    for term in present:
        for group in indexed.get(term, ()):
            if id(group) in seen:
                continue
            seen.add(id(group))
            for member in group.members:
                flat = _flatten(query)
                start = _find(flat, member)
                if start >= 0:
                    query = _merge(query, flat, start, member, group)
                    break
    return query
