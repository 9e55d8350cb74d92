"""Category macro-F1 and priority accuracy over several fold shuffles and by channel, fast (issue 12 §4).

    .venv/bin/python bench/triage_quality.py [--seeds 0,1,2] [--group-by channel] [--off RULE,RULE]

The folds are `eval_triage --folds 5`'s (``evaluation._splits``); Kiwi's morphemes stay cached across folds and
the calibration is skipped (it maps confidences, never changes a prediction), so one shuffle costs about 30 s of
CPU instead of 2 min. ``--off`` takes priority rules out (``priority.RULES``): the same run with and without a
rule is the A/B for it. Prints one line per shuffle, CPU seconds and the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soridam.settings")

import django  # noqa: E402 - after the path and settings above

django.setup()

from sklearn.metrics import accuracy_score, f1_score  # noqa: E402

from soridam.lib.jsonl import read_jsonl  # noqa: E402
from soridam.triage import classifier, evaluation, priority  # noqa: E402

CASES = ROOT.parent / "shared" / "data" / "ko-cs-dev" / "cases.jsonl"


def scores(rows: list[dict[str, str]], seed: int, group_by: str | None) -> tuple[float, float]:
    predicted: dict[int, classifier.Result] = {}
    for train, test in evaluation._splits(rows, 5, seed, group_by):
        model = evaluation.train([rows[i] for i in train])
        batch = [(rows[i].get("subject") or "", rows[i].get("body") or "", None) for i in test]
        predicted.update(zip(test, model.predict_many(batch), strict=True))
    results = [predicted[i] for i in range(len(rows))]
    category = f1_score([r["category"] for r in rows], [p.category.value for p in results], average="macro")
    return float(category), float(accuracy_score([r["priority"] for r in rows], [p.priority.value for p in results]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--group-by", default=None)
    parser.add_argument("--off", default="", help="priority rules to leave out, comma-separated")
    args = parser.parse_args()
    off = set(filter(None, args.off.split(",")))
    priority.RULES = tuple(rule for rule in priority.RULES if rule.name not in off)
    classifier.TriageModel._calibrate = lambda *_args, **_kwargs: None  # type: ignore[method-assign]
    rows = list(read_jsonl(CASES))
    started = time.process_time()
    runs = [(f"seed {seed}", seed, None) for seed in map(int, args.seeds.split(","))]
    if args.group_by:
        runs.append((f"by {args.group_by}", 0, args.group_by))
    print("| folds | category macro-F1 | priority accuracy |\n|---|---|---|")
    figures = []
    for name, seed, group_by in runs:
        figures.append(scores(rows, seed, group_by))
        print(f"| {name} | {figures[-1][0]:.4f} | {figures[-1][1]:.4f} |", flush=True)
    shuffles = figures[: len(runs) - bool(args.group_by)]
    mean_category = statistics.mean(c for c, _ in shuffles)
    mean_priority = statistics.mean(p for _, p in shuffles)
    print(f"| mean of the shuffles | {mean_category:.4f} | {mean_priority:.4f} |")
    load = os.getloadavg()[0]
    print(f"rules off: {sorted(off) or 'none'}; CPU {time.process_time() - started:.0f} s; load average {load:.1f}")


if __name__ == "__main__":
    main()
