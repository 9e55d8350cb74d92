"""The demo's *Needs review* share: seed the demo on a fresh SQLite file, triage every case, retrain once.

    .venv/bin/python bench/triage_demo_review.py [--database var/triage_demo.sqlite3]

What a fresh ``make run`` does, in order and without the web server: ``seed_demo`` (about 300 cases
told through the actions layer), the worker's triage task for every case (rules only: no model yet),
then the scheduler's first ``triage.tasks.retrain`` on the labels the demo's agents left. Prints the
share of predictions on the review list after the first triage, whether the retrain replaced the
rules (with its held-back figures), and the share when every case is triaged again by whatever is
active afterwards. The SQLite file is deleted first: the measure is always of a fresh install.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, default=ROOT / "var" / "triage_demo.sqlite3")
    options = parser.parse_args()
    options.database.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{options.database.resolve()}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soridam.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed at exit
    first = triage_every_case()
    decision = first_retrain()
    again = triage_every_case()
    print(table(first, decision, again))


def triage_every_case() -> dict[str, object]:
    from soridam.cases.models import Case
    from soridam.triage.models import Prediction
    from soridam.triage.triage import triage_many

    case_ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(case_ids), 50):  # in batches, as the worker claims them
        triage_many(case_ids[start : start + 50])
    predictions = Prediction.objects.all()
    review = predictions.filter(needs_review=True).count()
    priorities = Counter(predictions.values_list("priority", flat=True))
    return {"predictions": predictions.count(), "needs_review": review, "priority": dict(priorities)}


def first_retrain() -> dict[str, object]:
    from soridam.triage import training

    decision = training.retrain()
    if not hasattr(decision, "outcome"):  # before retrain decisions were recorded: a version or None
        version = decision
        if version is None:
            return {"version": None}
        return {"version": version.pk, "active": version.is_active, "metrics": version.metrics}
    return {
        "outcome": decision.outcome,
        "labels": decision.labels,
        "labels_per_class": decision.labels_per_class,
        "candidate": decision.candidate_scores,
        "active": decision.active_scores,
    }


def table(first: dict[str, object], decision: dict[str, object], again: dict[str, object]) -> str:
    def share(run: dict[str, object]) -> str:
        total, review = int(str(run["predictions"])), int(str(run["needs_review"]))
        return f"{review}/{total} = {review / total:.1%}" if total else "–"

    return "\n".join(
        [
            "| step | needs review | predicted priorities |",
            "|---|---|---|",
            f"| triage after seed_demo | {share(first)} | {first['priority']} |",
            f"| after the first retrain | {share(again)} | {again['priority']} |",
            "",
            f"first retrain: {json.dumps(decision, ensure_ascii=False)}",
        ]
    )


if __name__ == "__main__":
    main()
