"""Check every audit stream's hash chain and name the first broken entry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from soridam.audit.audit import first_broken_entry
from soridam.audit.models import AuditEntry


class Command(BaseCommand):
    help = "Verify the hash chains of the audit log."

    def handle(self, *args: Any, **options: Any) -> None:
        streams = AuditEntry.objects.values_list("stream", flat=True).distinct().order_by("stream")
        checked = 0
        for stream in streams.iterator():
            broken = first_broken_entry(stream)
            if broken is not None:
                raise CommandError(f"audit chain broken at entry {broken.pk} (stream {stream}, seq {broken.seq})")
            checked += 1
        self.stdout.write(f"{checked} audit streams verified")
