"""``manage.py eval_question_pairs [--pairs kor_Pair_test.csv] [--json]``: the paraphrase check (question_pairs.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from soridam.lib.schema import ensure_migrated
from soridam.lib.shared_data import shared_data_dir
from soridam.search.question_pairs import DISTRACTORS, check


class Command(BaseCommand):
    help = (
        "Index the second question of every ko-question-pair row, type the first question of each same-meaning "
        "pair, print the share found in the top 3 (n = same-meaning pairs)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        default = shared_data_dir() / "ko-question-pair" / "kor_Pair_test.csv"
        parser.add_argument("--pairs", type=Path, default=default, help=f"pairs CSV (default {default})")
        parser.add_argument(
            "--distractors",
            choices=DISTRACTORS,
            default="all",
            help="all: every second question of the file; same-meaning: only the other targets",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["pairs"])
        if not path.is_file():
            raise CommandError(f"--pairs: {path} is not a file")
        ensure_migrated(self.stderr.write)
        try:
            result = check(path, distractors=options["distractors"])
        except (ValueError, KeyError) as error:
            raise CommandError(f"bad input: {error}") from error
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        row = result["overall"]
        self.stdout.write(
            f"distractors {options['distractors']}: articles {result['articles']}, same-meaning queries n={row['n']}"
        )
        self.stdout.write(f"top1 {row['top1']:.3f}  top3 {row['top3']:.3f}  mrr {row['mrr']:.3f}")
        self.stdout.write(f"p99 {result['p99_ms']} ms")
