"""Writing and verifying audit entries."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from soridam.audit.actors import Actor
from soridam.audit.models import AuditEntry
from soridam.lib.rows import Lookup, insert

GENESIS = "0" * 64
_LAST_ENTRY = Lookup(AuditEntry, "stream = %s", order_by="seq DESC")  # every case change reads it


def stream_of(target: Model) -> str:
    return f"{target._meta.label_lower}:{target.pk}"


def record(
    actor: Actor, action: str, *, target: Model, data: dict[str, Any] | None = None, new: bool = False
) -> AuditEntry:
    """Append an entry to the target's stream; ``new=True`` says the target was just created (empty stream).

    The caller holds the target's row lock (or has just created the target), so no other
    transaction appends to this stream at the same time; the unique (stream, seq) guards the rest.
    """
    stream = stream_of(target)
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
