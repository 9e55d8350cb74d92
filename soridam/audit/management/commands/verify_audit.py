"""Verify the audit log: the checkpoints, every stream against the latest one, every entry's hash and MAC.
Names the first broken entry of each broken stream and exits non-zero when there is one."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from soridam.audit.models import AuditCheckpoint, AuditEntry
from soridam.audit.verify import verify_all


class Command(BaseCommand):
    help = "Verify the audit log (hash chains, MACs, signed checkpoints); name the first broken entry."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = verify_all()
        for problem in problems:
            self.stderr.write(f"BROKEN {problem}")
        if problems:
            raise CommandError(f"audit log broken: {len(problems)} stream(s); first: {problems[0]}")
        streams = AuditEntry.objects.values("stream").distinct().count()
        latest = AuditCheckpoint.objects.order_by("-number").first()
        since = (
            f"latest checkpoint #{latest.number} at {latest.created_at:%Y-%m-%d %H:%M}"
            if latest
            else "no checkpoint yet"
        )
        self.stdout.write(f"{streams} audit streams verified ({since})")
