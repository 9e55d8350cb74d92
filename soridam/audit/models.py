"""A hash-chained, keyed and checkpointed audit log (R-SEC-6).

Entries are chained per stream (one stream per audited object), not globally: a global chain would
make every commit wait for the previous one. Each entry stores the SHA-256 of its canonical content
and of the previous entry in its stream, so any edit or deletion breaks the chain at that point, and an
HMAC of that hash under a key kept outside the database (``audit.keys``), so a chain recomputed after an
edit does not verify. Checkpoints (``audit.checkpoints``) sign every stream's length and last hash, so a
truncated stream or a deleted one is found too. On PostgreSQL a trigger refuses UPDATE and DELETE on the
entries and checkpoints (migration 0003), except inside the legal purge (``audit.purge``).
"""

from __future__ import annotations

import hashlib
import json

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ActorKind(models.TextChoices):
    """Who did something: checked by the type system, unlike a prefix of the actor label."""

    USER = "user", _("Staff")
    CUSTOMER = "customer", _("Customer")
    SYSTEM = "system", _("System")


class AuditEntry(models.Model):
    created_at = models.DateTimeField(default=timezone.now)
    actor = models.CharField(max_length=64)
    action = models.CharField(max_length=64)
    stream = models.CharField(max_length=96)
    seq = models.PositiveIntegerField()
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)
    # HMAC-SHA256 of entry_hash under the key named by key_id (audit.keys); not part of the canonical content.
    mac = models.CharField(max_length=64, default="")
    key_id = models.CharField(max_length=16, default="")

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        constraints = [models.UniqueConstraint(fields=["stream", "seq"], name="audit_stream_seq_unique")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.stream}"

    def canonical(self) -> bytes:
        content = {
            "created_at": self.created_at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "stream": self.stream,
            "seq": self.seq,
            "data": self.data,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


class AuditCheckpoint(models.Model):
    """A signed summary of every stream at one instant: the digest of the sorted (stream, count, head) lines
    held in ``AuditStreamHead`` then. Checkpoints form a chain of their own (``number``, ``previous_mac``), so
    a deleted or forged one is found. Written by ``audit.checkpoints.take_checkpoint`` only."""

    number = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    streams = models.PositiveIntegerField()
    entries = models.PositiveBigIntegerField()
    digest = models.CharField(max_length=64)
    previous_mac = models.CharField(max_length=64)
    key_id = models.CharField(max_length=16)
    mac = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")

    def __str__(self) -> str:
        return f"#{self.number} {self.created_at:%Y-%m-%d %H:%M} {self.streams} streams"

    def canonical(self) -> bytes:
        content = {
            "number": self.number,
            "created_at": self.created_at.isoformat(),
            "streams": self.streams,
            "entries": self.entries,
            "digest": self.digest,
            "previous_mac": self.previous_mac,
        }
        return json.dumps(content, sort_keys=True, separators=(",", ":")).encode()


class AuditStreamHead(models.Model):
    """A stream's length and last hash as of the latest checkpoint. Not trusted by itself: the checkpoint's
    signed digest covers the whole table, so an edited, added or deleted row here fails verification."""

    stream = models.CharField(max_length=96, unique=True)
    count = models.PositiveIntegerField()
    head = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit stream head")
        verbose_name_plural = _("audit stream heads")

    def __str__(self) -> str:
        return f"{self.stream} #{self.count}"

    def line(self) -> str:
        return f"{self.stream}\t{self.count}\t{self.head}\n"
