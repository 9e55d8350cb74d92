"""``manage.py purge_expired``: the daily purge by hand (the scheduler runs it every day)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from soridam.privacy.retention import purge


class Command(BaseCommand):
    help = "Destroy every record past its retention period (not under a legal hold) and log it (파기 대장)."

    def handle(self, *args: Any, **options: Any) -> None:
        destroyed = purge()
        for label, count in sorted(destroyed.items()):
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(f"destroyed {sum(destroyed.values())} records")
