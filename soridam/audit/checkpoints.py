"""Signed checkpoints of every audit stream's length and last hash (R-SEC-6).

A hash chain cannot show that its last entries, or the whole of it, were deleted: what is left still
verifies. Every hour (``audit.tasks.checkpoint_audit``) the checkpoint brings ``AuditStreamHead`` up to date,
one row per stream with its count and last hash, and signs the digest of all of them with the audit key
together with the previous checkpoint's MAC. ``audit.verify`` then holds every stream to its checkpointed
length and head. A stream only moves forward when its new entries chain from the checkpointed head and carry
valid MACs, so a stream rewritten between two checkpoints is never sealed as it now stands.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from soridam.audit import keys
from soridam.audit.audit import GENESIS, entry_problem
from soridam.audit.models import AuditCheckpoint, AuditEntry, AuditStreamHead

logger = logging.getLogger(__name__)
CHECKPOINTS = "audit checkpoints"  # the stream name a checkpoint problem is reported under


@dataclass(frozen=True)
class Problem:
    """The first broken entry of one stream (``entry_id`` None when the entry is gone) and what is wrong."""

    stream: str
    seq: int
    entry_id: int | None
    what: str

    def __str__(self) -> str:
        entry = f"entry {self.entry_id}" if self.entry_id is not None else "no entry"
        return f"stream {self.stream}, seq {self.seq}, {entry}: {self.what}"


def digest_of(heads: Iterable[AuditStreamHead]) -> str:
    """SHA-256 of every head's line in stream order: what a checkpoint signs."""
    digest = hashlib.sha256()
    for head in sorted(heads, key=lambda row: row.stream):
        digest.update(head.line().encode())
    return digest.hexdigest()


def checkpoint_holds(checkpoint: AuditCheckpoint) -> bool:
    try:
        return keys.signature_holds(checkpoint.canonical(), checkpoint.mac, key_id=checkpoint.key_id)
    except keys.UnknownAuditKey:
        return False


def take_checkpoint() -> tuple[AuditCheckpoint, list[Problem]]:
    """Advance every stream's head over its new, verified entries and sign the result. Returns the new
    checkpoint and the problems met (a stream shorter than its head, a missing stream, a bad new entry):
    those streams keep their last good head, so the daily verification keeps reporting them."""
    with transaction.atomic():
        previous = AuditCheckpoint.objects.select_for_update().order_by("-number").first()
        heads = {head.stream: head for head in AuditStreamHead.objects.all()}
        tops = dict(AuditEntry.objects.order_by().values_list("stream").annotate(top=Max("seq")))
        problems: list[Problem] = []
        changed = [head for stream, top in tops.items() if (head := _advance(stream, top, heads, problems))]
        for stream in sorted(heads.keys() - tops.keys()):
            problems.append(Problem(stream, 1, None, _gone(heads[stream], previous)))
        AuditStreamHead.objects.bulk_create([head for head in changed if head.pk is None])
        AuditStreamHead.objects.bulk_update([head for head in changed if head.pk is not None], ["count", "head"])
        checkpoint = _signed(previous, heads.values())
    logger.info(
        "audit checkpoint",
        extra={"number": checkpoint.number, "streams": checkpoint.streams, "digest": checkpoint.digest},
    )
    return checkpoint, problems


def _advance(
    stream: str, top: int, heads: dict[str, AuditStreamHead], problems: list[Problem]
) -> AuditStreamHead | None:
    """The stream's head moved over its entries after the checkpointed one, as far as they verify; None
    when nothing moved."""
    head = heads.get(stream)
    count, last_hash = (head.count, head.head) if head else (0, GENESIS)
    if top < count:
        problems.append(Problem(stream, top + 1, None, f"truncated: the checkpoint holds {count} entries"))
    if top <= count:
        return None
    newer = AuditEntry.objects.filter(stream=stream, seq__gt=count).order_by("seq")
    for entry in newer.iterator():
        what = entry_problem(entry, expected_seq=count + 1, previous_hash=last_hash)
        if what is not None:
            problems.append(Problem(stream, entry.seq, entry.pk, what))
            break
        count, last_hash = entry.seq, entry.entry_hash
    if head is not None and count == head.count:
        return None
    if head is None:
        if count == 0:
            return None
        head = heads[stream] = AuditStreamHead(stream=stream, count=count, head=last_hash)
    head.count, head.head = count, last_hash
    return head


def _gone(head: AuditStreamHead, checkpoint: AuditCheckpoint | None) -> str:
    number = checkpoint.number if checkpoint else 0
    return f"the whole stream was deleted: checkpoint #{number} holds {head.count} entries"


def _signed(previous: AuditCheckpoint | None, heads: Iterable[AuditStreamHead]) -> AuditCheckpoint:
    rows = list(heads)
    checkpoint = AuditCheckpoint(
        number=previous.number + 1 if previous else 1,
        created_at=timezone.now(),
        streams=len(rows),
        entries=sum(head.count for head in rows),
        digest=digest_of(rows),
        previous_mac=previous.mac if previous else GENESIS,
        key_id=keys.current_key_id(),
    )
    checkpoint.mac = keys.sign(checkpoint.canonical(), key_id=checkpoint.key_id)
    checkpoint.save()
    return checkpoint
