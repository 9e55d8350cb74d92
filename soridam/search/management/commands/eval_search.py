"""``manage.py eval_search --kb KB.jsonl --queries QUERIES.jsonl --json``: suggestion quality on a labelled set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from soridam.lib.schema import ensure_migrated
from soridam.search.evaluation import evaluate


class Command(BaseCommand):
    help = "Load articles into a fresh temporary index, run each query as typed, print top-1/top-3/MRR per kind."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kb", required=True, type=Path, help="kb.jsonl: {id, title, body}")
        parser.add_argument("--queries", required=True, type=Path, help="queries.jsonl: {query, kind, relevant}")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("kb", "queries"):
            if not Path(options[name]).is_file():
                raise CommandError(f"--{name}: {options[name]} is not a file")
        ensure_migrated(self.stderr.write)
        try:
            result = evaluate(Path(options["kb"]), Path(options["queries"]))
        except (ValueError, KeyError) as error:
            raise CommandError(f"bad input: {error}") from error
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(f"{'kind':<10} {'n':>4} {'top1':>6} {'top3':>6} {'mrr':>6}")
        for kind, row in [*result["by_kind"].items(), ("overall", result["overall"])]:
            self.stdout.write(f"{kind:<10} {row['n']:>4} {row['top1']:>6.2f} {row['top3']:>6.2f} {row['mrr']:>6.2f}")
        self.stdout.write(f"p99 {result['p99_ms']} ms")
