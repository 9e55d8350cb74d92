"""``manage.py reprocess_payloads [--state quarantined] [--id N ...]``: replay stored raw payloads."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from soridam.channels import pipeline
from soridam.channels.models import PayloadState, RawPayload


class Command(BaseCommand):
    help = "Run stored payloads through the pipeline again, e.g. after a parser fix. Processed ones are skipped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--state",
            choices=[PayloadState.PENDING, PayloadState.QUARANTINED],
            default=PayloadState.QUARANTINED,
        )
        parser.add_argument("--id", type=int, nargs="*", dest="ids", help="only these payload ids")

    def handle(self, *args: Any, **options: Any) -> None:
        payloads = RawPayload.objects.filter(state=options["state"]).order_by("id")
        if options["ids"]:
            payloads = payloads.filter(pk__in=options["ids"])
        outcome: dict[str, int] = {}
        for payload in payloads.iterator():
            state = str(pipeline.requeue(payload).state)
            outcome[state] = outcome.get(state, 0) + 1
        self.stdout.write(" ".join(f"{state}={count}" for state, count in sorted(outcome.items())) or "nothing to do")
