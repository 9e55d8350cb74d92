"""``manage.py eval_bot --kb KB.jsonl --cases CASES.jsonl --threads THREADS.jsonl --json [--cpu]``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from soridam.bot.evaluation import evaluate
from soridam.lib.schema import ensure_migrated


class Command(BaseCommand):
    help = "Load articles into a fresh temporary index, let the bot answer the cases and threads, print the shares."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kb", required=True, type=Path, help="kb.jsonl: {id, title, body}")
        parser.add_argument("--cases", required=True, type=Path, help="cases.jsonl: {subject, body, expected_faq}")
        parser.add_argument(
            "--threads", required=True, type=Path, help="threads.jsonl: {turns, should_handover, expected_faq}"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--cpu", action="store_true", help="also print cpu_p95_ms: CPU time per reply, which load barely moves"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("kb", "cases", "threads"):
            if not Path(options[name]).is_file():
                raise CommandError(f"--{name}: {options[name]} is not a file")
        ensure_migrated(self.stderr.write)
        try:
            result = evaluate(Path(options["kb"]), Path(options["cases"]), Path(options["threads"]), cpu=options["cpu"])
        except (ValueError, KeyError, TypeError) as error:
            raise CommandError(f"bad input: {error}") from error
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        for name, value in result.items():
            self.stdout.write(f"{name:<24} {value}")
