"""Writing and verifying audit entries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Max, Model, Q

from soridam.audit import keys
from soridam.audit.actors import Actor
from soridam.audit.models import AuditEntry
from soridam.lib.rows import Lookup, insert

GENESIS = "0" * 64
_LAST_ENTRY = Lookup(AuditEntry, "stream = %s", order_by="seq DESC")  # every case change reads it


def stream_of(target: Model) -> str:
    return f"{target._meta.label_lower}:{target.pk}"


# A case's history is written by ``cases.actions`` alone, together with the change and its timeline entry.
_CASE = "cases.case"


def seal(entry: AuditEntry) -> str:
    """Set the entry's hash (its content and the previous hash) and its MAC under the current key."""
    entry.entry_hash = entry.compute_hash()
    entry.key_id = keys.current_key_id()
    entry.mac = keys.sign(entry_mac_message(entry.entry_hash), key_id=entry.key_id)
    return entry.entry_hash


def entry_mac_message(entry_hash: str) -> bytes:
    """What an entry's MAC signs: its hash, which already covers its content, stream, seq and predecessor."""
    return b"audit-entry\x00" + entry_hash.encode()


PERMISSION_STREAM_PREFIX = "permissions:"  # R-SEC-11: grants, changes and revocations, kept 3 years
PURGE_STREAM = "audit:purges"  # what the legal purge destroyed (audit.purge)


def record_in_stream(actor: Actor, action: str, *, stream: str, data: dict[str, Any]) -> AuditEntry:
    """Append to a stream that is no model's row: a permission stream (``audit.permissions``:
    ``permissions:user:<id>``, ``permissions:group:<id>``) or the purge stream. Never a case's."""
    if not (stream.startswith(PERMISSION_STREAM_PREFIX) or stream == PURGE_STREAM):
        raise ValueError(f"{stream} is not a stream of its own")
    return _append(actor, action, stream, data, False)


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
        prev_hash = seal(entry)
        made.append(entry)
    return AuditEntry.objects.bulk_create(made)


def record_cases(actor: Actor, entries: Sequence[tuple[Model, str, dict[str, Any]]]) -> list[AuditEntry]:
    """``record_case`` for one entry on each of many cases (a routing pass): the streams' last entries are
    read in one query, the new entries stored in one INSERT. The caller holds every case's row lock."""
    if len({stream_of(target) for target, _action, _data in entries}) != len(entries):
        raise ValueError("one entry per case")
    return record_cases_many(actor, [(target, [(action, data)]) for target, action, data in entries])


def record_cases_many(
    actor: Actor, entries: Sequence[tuple[Model, Sequence[tuple[str, dict[str, Any]]]]]
) -> list[AuditEntry]:
    """``record_case_many`` for many cases (a triage batch): each case's ``(action, data)`` entries chained to
    its stream's last entry and to each other, every stream's last entry read at once and all the new
    entries stored in one INSERT. The caller holds every case's row lock; a case appears once."""
    targets = [target for target, _changes in entries]
    if any(target._meta.label_lower != _CASE for target in targets):
        raise ValueError("only cases")
    streams = [stream_of(target) for target in targets]
    if len(set(streams)) != len(streams):
        raise ValueError("a case appears once")
    last = _last_entries(streams)
    made = []
    for stream, (_target, changes) in zip(streams, entries, strict=True):
        before = last.get(stream)
        seq, prev_hash = (before.seq, before.entry_hash) if before else (0, GENESIS)
        for action, data in changes:
            seq += 1
            entry = AuditEntry(
                actor=actor.label(), action=action, stream=stream, seq=seq, data=data, prev_hash=prev_hash
            )
            prev_hash = seal(entry)
            made.append(entry)
    return AuditEntry.objects.bulk_create(made)


def _last_entries(streams: list[str]) -> dict[str, AuditEntry]:
    """The last entry of each stream that has one."""
    tops = AuditEntry.objects.filter(stream__in=streams).values("stream").annotate(top=Max("seq"))
    if not tops:
        return {}
    wanted = Q()
    for row in tops:
        wanted |= Q(stream=row["stream"], seq=row["top"])
    return {entry.stream: entry for entry in AuditEntry.objects.filter(wanted)}


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
    seal(entry)
    return insert(entry)


def entry_problem(entry: AuditEntry, *, expected_seq: int, previous_hash: str) -> str | None:
    """What is wrong with one entry, read in its stream's order after an entry that checked out; None if
    nothing. Each check is its own line: a gap, a broken link, edited content, then the keyed MAC that a
    recomputed chain cannot forge."""
    if entry.seq != expected_seq:
        return f"seq {entry.seq} follows seq {expected_seq - 1}: the entries in between were deleted"
    if entry.prev_hash != previous_hash:
        return "its previous hash is not the hash of the entry before it"
    if entry.compute_hash() != entry.entry_hash:
        return "its content does not match its hash: the row was edited"
    if not entry.mac:
        return "it has no MAC"
    try:
        holds = keys.signature_holds(entry_mac_message(entry.entry_hash), entry.mac, key_id=entry.key_id)
    except keys.UnknownAuditKey:
        return f"its MAC key {entry.key_id!r} is not configured (SORIDAM_AUDIT_OLD_KEYS)"
    if not holds:
        return "its MAC does not verify: the row and its hashes were rewritten without the audit key"
    return None


def first_broken_entry(stream: str) -> AuditEntry | None:
    """The first entry of a stream whose link, hash or MAC does not check out, or None when all hold (the
    stream alone: ``audit.verify`` also compares every stream with the latest signed checkpoint)."""
    previous_hash = GENESIS
    expected_seq = 1
    for entry in AuditEntry.objects.filter(stream=stream).order_by("seq").iterator():
        if entry_problem(entry, expected_seq=expected_seq, previous_hash=previous_hash) is not None:
            return entry
        previous_hash, expected_seq = entry.entry_hash, expected_seq + 1
    return None
