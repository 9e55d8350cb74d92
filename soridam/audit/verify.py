"""Verify the whole audit log: every checkpoint, every stream against the latest one, every entry.

``manage.py verify_audit`` and the daily job call ``verify_all``. For each broken stream it names the first
broken entry: its stream, seq, id and what is wrong. Entries written since the latest checkpoint are held to
their chain and MACs only; the ones before it also to the checkpoint's signed count and head, which is what
finds a deleted tail and a deleted stream.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from operator import attrgetter

from soridam.audit.audit import GENESIS, entry_problem
from soridam.audit.checkpoints import CHECKPOINTS, Problem, checkpoint_holds, digest_of
from soridam.audit.models import AuditCheckpoint, AuditEntry, AuditStreamHead

_CHUNK = 2000


def verify_all() -> list[Problem]:
    """Every problem found, checkpoints first, then streams in name order (one per broken stream)."""
    latest, problems = _checkpoint_problems()
    heads = {head.stream: head for head in AuditStreamHead.objects.all()} if latest else {}
    if latest is not None and (digest_of(heads.values()) != latest.digest or len(heads) != latest.streams):
        what = f"the stream heads differ from what checkpoint #{latest.number} signed"
        problems.append(Problem(CHECKPOINTS, latest.number, latest.pk, what))
    seen = set()
    entries = AuditEntry.objects.order_by("stream", "seq").iterator(chunk_size=_CHUNK)
    for stream, group in groupby(entries, key=attrgetter("stream")):
        seen.add(stream)
        problem = _stream_problem(stream, group, heads.get(stream), latest)
        if problem is not None:
            problems.append(problem)
    for stream in sorted(heads.keys() - seen):
        number = latest.number if latest else 0
        what = f"the whole stream was deleted: checkpoint #{number} holds {heads[stream].count} entries"
        problems.append(Problem(stream, 1, None, what))
    return sorted(problems, key=lambda problem: (problem.stream != CHECKPOINTS, problem.stream))


def _checkpoint_problems() -> tuple[AuditCheckpoint | None, list[Problem]]:
    """The latest checkpoint, and what is wrong with the chain of checkpoints (a gap, a broken link, a MAC)."""
    previous: AuditCheckpoint | None = None
    for checkpoint in AuditCheckpoint.objects.order_by("number").iterator():
        expected = previous.number + 1 if previous else 1
        what = None
        if checkpoint.number != expected:
            what = f"checkpoint #{checkpoint.number} follows #{expected - 1}: checkpoints were deleted"
        elif checkpoint.previous_mac != (previous.mac if previous else GENESIS):
            what = f"checkpoint #{checkpoint.number} does not link to the one before it"
        elif not checkpoint_holds(checkpoint):
            what = f"checkpoint #{checkpoint.number}'s MAC does not verify"
        if what is not None:
            return checkpoint, [Problem(CHECKPOINTS, checkpoint.number, checkpoint.pk, what)]
        previous = checkpoint
    return previous, []


def _stream_problem(
    stream: str, entries: Iterator[AuditEntry], head: AuditStreamHead | None, latest: AuditCheckpoint | None
) -> Problem | None:
    previous_hash, seq = GENESIS, 0
    for entry in entries:
        what = entry_problem(entry, expected_seq=seq + 1, previous_hash=previous_hash)
        if what is None and head is not None and entry.seq == head.count and entry.entry_hash != head.head:
            what = f"its hash differs from the head signed by checkpoint #{latest.number if latest else 0}"
        if what is not None:
            return Problem(stream, entry.seq, entry.pk, what)
        previous_hash, seq = entry.entry_hash, entry.seq
    if head is not None and seq < head.count:
        number = latest.number if latest else 0
        return Problem(stream, seq + 1, None, f"truncated after seq {seq}: checkpoint #{number} holds {head.count}")
    return None
