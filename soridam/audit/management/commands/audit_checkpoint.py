"""Take a signed checkpoint of every audit stream now (the scheduler does it hourly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from soridam.audit.checkpoints import take_checkpoint


class Command(BaseCommand):
    help = "Sign every audit stream's length and last hash now (audit.checkpoints)."

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint, problems = take_checkpoint()
        for problem in problems:
            self.stderr.write(f"BROKEN {problem}")
        self.stdout.write(
            f"checkpoint #{checkpoint.number}: {checkpoint.streams} streams, {checkpoint.entries} entries"
        )
