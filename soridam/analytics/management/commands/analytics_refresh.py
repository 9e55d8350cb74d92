"""Bring the analytics facts and rollups up to date now (the scheduler does it every minute)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from soridam.analytics import rollups


class Command(BaseCommand):
    help = "Refresh the analytics facts and daily rollups (--rebuild: forget them and build all again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Rebuild every fact and rollup.")

    def handle(self, *args: Any, **options: Any) -> None:
        done = rollups.rebuild_all() if options["rebuild"] else rollups.refresh()
        self.stdout.write(f"Refreshed {done.cases} cases over {done.days} days in {done.seconds:.2f} s.")
