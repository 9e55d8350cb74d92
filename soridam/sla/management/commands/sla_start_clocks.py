"""Start SLA clocks for active cases that have none (after enabling SLAs on an existing database)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from soridam.sla.backfill import start_missing_clocks


class Command(BaseCommand):
    help = "Give every open or waiting case without SLA clocks its clocks, counted from when it was filed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=500, help="Cases per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = start_missing_clocks(batch=max(1, options["batch"]))
        self.stdout.write(f"Started SLA clocks for {started} cases.")
