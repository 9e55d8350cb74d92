"""Score triage on labelled cases: train on one file and test on another, or cross-validate one file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from soridam.lib.jsonl import read_jsonl
from soridam.triage import evaluation


class Command(BaseCommand):
    help = "Evaluate triage: --train TRAIN.jsonl --cases CASES.jsonl, or --folds N with one file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", type=Path, help="labelled cases to train on (JSON lines)")
        parser.add_argument("--cases", type=Path, help="labelled cases to predict and score")
        parser.add_argument("--folds", type=int, default=0, help="cross-validate over one file in N folds")
        parser.add_argument("--seed", type=int, default=0, help="shuffle of the cross-validation folds")
        parser.add_argument(
            "--group-by",
            help="keep the cases with one value of this field (e.g. channel) in one fold: scores on unseen sources",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        train, cases, folds = options["train"], options["cases"], options["folds"]
        try:
            if folds:
                source = cases or train
                if source is None or folds < 2:
                    raise CommandError("--folds needs N ≥ 2 and one file (--cases or --train).")
                report = evaluation.cross_validate(
                    read_jsonl(source), folds, seed=options["seed"], group_by=options["group_by"]
                )
            else:
                if train is None or cases is None:
                    raise CommandError("Give --train and --cases, or --folds with one file.")
                report = evaluation.evaluate(read_jsonl(train), read_jsonl(cases))
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        else:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
