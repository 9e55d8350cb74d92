"""Triage with the compact model (``triage.compact``, plain Python) against scikit-learn's, in one process.

    .venv/bin/python bench/compact_triage.py [--cases 400]

The test set's seed model (``soridam/triage/tests/conftest.py``) predicts the first ``--cases`` messages of
``../shared/data/ko-cs-dev/cases.jsonl`` (210) with ``predict_many``, alternating the two models three times; Kiwi's
morphemes are cached first, so the figures are the vectorising and the classifiers alone.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soridam.settings")

import django  # noqa: E402 - after the path and settings above

django.setup()

from soridam.triage.classifier import TriageModel  # noqa: E402
from soridam.triage.compact import compact  # noqa: E402
from soridam.triage.tests.conftest import seed_examples  # noqa: E402

CASES = ROOT.parent / "shared" / "data" / "ko-cs-dev" / "cases.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=400)
    args = parser.parse_args()
    with CASES.open() as lines:
        rows = [json.loads(line) for line, _ in zip(lines, range(args.cases), strict=False)]
    batch = [(row.get("subject", ""), row.get("body", ""), None) for row in rows]
    full = TriageModel().fit(seed_examples())
    models = {"scikit-learn": full, "compact": compact(full)}
    full.predict_many(batch)  # Kiwi's morphemes of every message, cached for both
    times: dict[str, list[float]] = {name: [] for name in models}
    for _round in range(3):
        for name, model in models.items():
            started = time.perf_counter()
            model.predict_many(batch)
            times[name].append((time.perf_counter() - started) / len(batch) * 1000)
    for name, values in times.items():
        print(f"| {name} | {len(batch)} | {sorted(values)[1]:.2f} |")  # noqa: T201
    print(f"load average {os.getloadavg()[0]:.2f}")  # noqa: T201


if __name__ == "__main__":
    main()
