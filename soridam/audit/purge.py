"""The one way audit rows may be deleted: the legal purge of whole streams past their retention.

On PostgreSQL a trigger (migration 0003) refuses UPDATE and DELETE on the entries unless the transaction
set ``soridam.audit_purge``; ``purging()`` sets it for the current transaction only. ``purge_streams``
deletes the streams, records what it destroyed in the purge stream and takes a checkpoint at once, so the
verification knows the streams were destroyed on purpose and does not report them as deleted.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from soridam.audit.actors import Actor
from soridam.audit.audit import PERMISSION_STREAM_PREFIX, PURGE_STREAM, record_in_stream
from soridam.audit.checkpoints import take_checkpoint
from soridam.audit.models import AuditEntry, AuditStreamHead

PURGE_SETTING = "soridam.audit_purge"
# Streams kept at least this long after their last entry (R-SEC-11: permission changes, 3 years).
RETENTION: dict[str, timedelta] = {PERMISSION_STREAM_PREFIX: timedelta(days=3 * 365)}


class UnderRetention(ValueError):
    """A stream asked to be purged is still within its retention period, or is the purge record itself."""


@contextmanager
def purging() -> Iterator[None]:
    """Allow this transaction to delete audit rows (PostgreSQL; SQLite has no trigger). The caller holds a
    transaction: the setting is transaction-local, so it can never outlive the purge."""
    if not connection.in_atomic_block:
        raise RuntimeError("purging() needs a transaction")
    _set(on=True)
    try:
        yield
    finally:
        _set(on=False)


def _set(*, on: bool) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [PURGE_SETTING, "on" if on else "off"])


def purge_streams(streams: Sequence[str], *, actor: Actor, reason: str, now: datetime | None = None) -> int:
    """Destroy whole streams, record the purge and checkpoint; return the entries deleted. Refuses (and
    deletes nothing) when a stream is the purge record or still within its retention."""
    now = now or timezone.now()
    with transaction.atomic():
        _refuse_retained(streams, now)
        with purging():
            deleted, _ = AuditEntry.objects.filter(stream__in=streams).delete()
        AuditStreamHead.objects.filter(stream__in=streams).delete()
        data = {"streams": len(streams), "entries": deleted, "reason": reason[:200]}
        record_in_stream(actor, "audit.purged", stream=PURGE_STREAM, data=data)
        take_checkpoint()
    return deleted


def _refuse_retained(streams: Sequence[str], now: datetime) -> None:
    if PURGE_STREAM in streams:
        raise UnderRetention(PURGE_STREAM)
    latest = AuditEntry.objects.filter(stream__in=streams).values_list("stream").annotate(last=Max("created_at"))
    for stream, last in latest:
        for prefix, period in RETENTION.items():
            if stream.startswith(prefix) and last + period > now:
                raise UnderRetention(f"{stream} is kept until {(last + period):%Y-%m-%d}")
