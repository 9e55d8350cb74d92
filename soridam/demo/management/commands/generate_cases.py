"""Bulk-insert N synthetic cases for benchmarks. Bypasses the actions layer on purpose."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from soridam.demo.synthetic import generate_cases


class Command(BaseCommand):
    help = (
        "FOR BENCHMARKS ONLY: insert N synthetic cases, each with one customer message, as fast as possible. "
        "It bypasses the actions layer on purpose: no timeline events, no audit entries, no notifications."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int, help="How many cases to create.")
        parser.add_argument("--batch", type=int, default=5000, help="Cases per transaction (default 5000).")
        parser.add_argument("--seed", type=int, default=7, help="Random seed for the mix of cases.")
        parser.add_argument("--today", action="store_true", help="Open them all today (default: over two years).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["count"] < 1 or options["batch"] < 1:
            raise CommandError("count and --batch must be at least 1")
        generated = generate_cases(
            options["count"], batch=options["batch"], seed=options["seed"], today=options["today"]
        )
        self.stdout.write(
            f"Created {generated.count} synthetic cases (with one message each) in {generated.seconds:.2f} s: "
            f"{generated.rate:,.0f} cases/s{_index_note(generated.index_seconds)}. "
            "No timeline, audit or notifications (benchmark data)."
        )


def _index_note(seconds: float) -> str:
    return f" ({seconds:.2f} s of it building the indexes again)" if seconds else ""
