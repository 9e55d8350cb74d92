"""Delete idempotency records older than 24 hours (the scheduler also does it daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from soridam.idempotency.guard import purge_expired


class Command(BaseCommand):
    help = "Delete stored idempotency keys older than 24 hours."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Deleted {purge_expired()} expired idempotency records.")
