"""A hash-chained audit log (R-SEC-6).

Entries are chained per stream (one stream per audited object), not globally: a global chain would
make every commit wait for the previous one. Each entry stores the SHA-256 of its canonical content
and of the previous entry in its stream, so any edit or deletion breaks the chain at that point.
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
