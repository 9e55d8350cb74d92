"""Train the triage model from an operator's labelled file and make it the active version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from soridam.lib.jsonl import read_jsonl
from soridam.triage import evaluation, training
from soridam.triage.classifier import TriageModel
from soridam.triage.models import Label
from soridam.triage.text import normalise


class Command(BaseCommand):
    help = "Store the labelled cases of FILE.jsonl as training labels, train, and activate the new model."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="source", type=Path, required=True, help="labelled cases (JSON lines)")
        parser.add_argument("--folds", type=int, default=5, help="cross-validation folds for the stored scores")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rows = read_jsonl(options["source"])
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        usable = [row for row in rows if row.get("body") and row.get("category")]
        if len(usable) < 10:
            raise CommandError(f"{len(usable)} usable rows (body and category); at least 10 are needed.")
        existing = list(Label.objects.values_list("category", flat=True))
        short = training.too_few_labels(existing + [str(row["category"]) for row in usable])
        if short:  # the same floor as the scheduled retrain: a class this thin is not learned, only memorised
            found = ", ".join(f"{name} {count}" for name, count in sorted(short.items()))
            raise CommandError(
                f"Too few labels per category ({found}); SORIDAM_TRIAGE_MIN_LABELS_PER_CLASS is "
                f"{settings.SORIDAM_TRIAGE_MIN_LABELS_PER_CLASS}. The active model is unchanged."
            )
        folds = max(2, min(options["folds"], 10))
        metrics = evaluation.cross_validate(usable, folds) if len(usable) >= 5 * folds else {}
        with transaction.atomic():
            Label.objects.bulk_create(_labels(usable))
            labels = list(Label.objects.order_by("pk"))
            model = TriageModel().fit(training.label_examples(labels))
            version = training.store(
                model, metrics={"cross_validated": metrics}, trained_on=len(labels), source="file", activate=True
            )
        f1 = metrics.get("category", {}).get("macro_f1", "–")
        self.stdout.write(f"Model v{version.pk} active: {len(labels)} labels, category macro-F1 (CV) {f1}.")


def _labels(rows: list[dict[str, Any]]) -> list[Label]:
    return [
        Label(
            subject=normalise(str(row.get("subject") or "")),
            body=normalise(str(row["body"])),
            category=str(row.get("category") or ""),
            priority=str(row.get("priority") or ""),
            sentiment=str(row.get("sentiment") or ""),
            source=Label.Source.FILE,
        )
        for row in rows
    ]
