"""Enqueue periodic jobs when they are due (run one beside ``db_worker``; two are safe)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from soridam.sla.periodic import run_due


class Command(BaseCommand):
    help = "Enqueue the periodic jobs of soridam.sla.periodic.SCHEDULE when they are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Check once and exit.")
        parser.add_argument("--interval", type=float, default=10.0, help="Seconds between checks.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            names = run_due()
            if names and options["verbosity"] > 1:
                self.stdout.write("Enqueued: " + ", ".join(names))
            if options["once"]:
                return
            time.sleep(options["interval"])
