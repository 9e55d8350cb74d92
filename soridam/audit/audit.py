"""Writing and verifying audit entries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Max, Model, Q

from soridam.audit.actors import Actor
from soridam.audit.models import AuditEntry
from soridam.lib.rows import Lookup, insert

GENESIS = "0" * 64
_LAST_ENTRY = Lookup(AuditEntry, "stream = %s", order_by="seq DESC")  # every case change reads it


def stream_of(target: Model) -> str:
    return f"{target._meta.label_lower}:{target.pk}"


# A case's history is written by ``cases.actions`` alone, together with the change and its timeline entry.
_CASE = "cases.case"


def record(
    actor: Actor, action: str, *, target: Model, data: dict[str, Any] | None = None, new: bool = False
) -> AuditEntry:
    """Append an entry to the target's stream; ``new=True`` says the target was just created (empty stream).

    The caller holds the target's row lock (or has just created the target), so no other
    transaction appends to this stream at the same time; the unique (stream, seq) guards the rest.
    Cases are refused: their entries come from ``cases.actions`` (``record_case``).
    """
    if target._meta.label_lower == _CASE:
        raise ValueError("a case's audit entries are written by soridam.cases.actions")
    return _append(actor, action, stream_of(target), data, new)


def record_case(
    actor: Actor, action: str, *, target: Model, data: dict[str, Any] | None = None, new: bool = False
) -> AuditEntry:
    """``record`` for a case: only ``cases.actions`` calls this (``tests/test_architecture.py`` checks it)."""
    if target._meta.label_lower != _CASE:
        raise ValueError(f"{target._meta.label_lower} is not a case")
    return _append(actor, action, stream_of(target), data, new)


def record_case_many(actor: Actor, entries: Sequence[tuple[str, dict[str, Any]]], *, target: Model) -> list[AuditEntry]:
    """``record_case`` for several ``(action, data)`` entries of one case at once: the stream's last entry is
    read once, the new ones are chained to it and to each other in memory and stored in one INSERT."""
    if target._meta.label_lower != _CASE:
        raise ValueError(f"{target._meta.label_lower} is not a case")
    stream = stream_of(target)
    last = _LAST_ENTRY.first(stream)
    seq, prev_hash = (last.seq, last.entry_hash) if last else (0, GENESIS)
    made = []
    for action, data in entries:
        seq += 1
        entry = AuditEntry(actor=actor.label(), action=action, stream=stream, seq=seq, data=data, prev_hash=prev_hash)
        entry.entry_hash = prev_hash = entry.compute_hash()
        made.append(entry)
    return AuditEntry.objects.bulk_create(made)


def record_cases(actor: Actor, entries: Sequence[tuple[Model, str, dict[str, Any]]]) -> list[AuditEntry]:
    """``record_case`` for one entry on each of many cases (a routing pass): the streams' last entries are
    read in one query, the new entries stored in one INSERT. The caller holds every case's row lock."""
    targets = [target for target, _action, _data in entries]
    if any(target._meta.label_lower != _CASE for target in targets):
        raise ValueError("only cases")
    streams = [stream_of(target) for target in targets]
    if len(set(streams)) != len(streams):
        raise ValueError("one entry per case")
    tops = AuditEntry.objects.filter(stream__in=streams).values("stream").annotate(top=Max("seq"))
    last: dict[str, AuditEntry] = {}
    if tops:
        wanted = Q()
        for row in tops:
            wanted |= Q(stream=row["stream"], seq=row["top"])
        last = {entry.stream: entry for entry in AuditEntry.objects.filter(wanted)}
    made = []
    for stream, (_target, action, data) in zip(streams, entries, strict=True):
        before = last.get(stream)
        entry = AuditEntry(
            actor=actor.label(),
            action=action,
            stream=stream,
            seq=before.seq + 1 if before else 1,
            data=data,
            prev_hash=before.entry_hash if before else GENESIS,
        )
        entry.entry_hash = entry.compute_hash()
        made.append(entry)
    return AuditEntry.objects.bulk_create(made)


def _append(actor: Actor, action: str, stream: str, data: dict[str, Any] | None, new: bool) -> AuditEntry:
    last = None if new else _LAST_ENTRY.first(stream)
    entry = AuditEntry(
        actor=actor.label(),
        action=action,
        stream=stream,
        seq=(last.seq + 1) if last else 1,
        data=data or {},
        prev_hash=last.entry_hash if last else GENESIS,
    )
    entry.entry_hash = entry.compute_hash()
    return insert(entry)


def first_broken_entry(stream: str) -> AuditEntry | None:
    """The first entry of a stream whose hash or link does not check out, or None when all hold."""
    previous_hash = GENESIS
    expected_seq = 1
    for entry in AuditEntry.objects.filter(stream=stream).order_by("seq").iterator():
        if entry.seq != expected_seq or entry.prev_hash != previous_hash or entry.compute_hash() != entry.entry_hash:
            return entry
        previous_hash, expected_seq = entry.entry_hash, expected_seq + 1
    return None
