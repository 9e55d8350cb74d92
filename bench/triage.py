"""Triage benchmark: intake with the triage task running in a worker, and one worker's triage rate.

    .venv/bin/python bench/triage.py [--workers 2] [--clients 32] [--seconds 15]

On its own PostgreSQL database (default soridam_bench_triage; the 1M-case database is left alone):
trains the triage model from ko-cs-dev (read from ../shared/data, never copied), then
1. intake without a task worker (tasks queue up, as bench/intake.py measures it),
2. intake with one `db_worker` running at the same time (the worker triages, routes and mails),
3. that worker alone on the backlog: predictions stored per second (it also mails, indexes, routes),
4. the triage task alone, case after case in one warm process: one triage-only worker's rate.
Mail goes to the locmem backend, so the worker's time is triage, routing and rendering, not SMTP.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import (  # noqa: E402 - after the path tweak above
    PYTHON,
    ROOT,
    bench_env,
    count_cases,
    ensure_database,
    issue_token,
    machine_note,
    manage,
    ms,
    percentile,
    served,
    sql_value,
    table,
)
from intake import run_load  # noqa: E402

from soridam.lib.shared_data import shared_data_dir  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/soridam_bench_triage"
TRAINING = shared_data_dir() / "ko-cs-dev" / "cases.jsonl"


def predictions(url: str) -> int:
    return int(sql_value(url, "SELECT count(*) FROM triage_prediction"))


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [PYTHON, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def intake_row(label: str, env: dict[str, str], token: str, args: argparse.Namespace) -> list[object]:
    with served(env, workers=args.workers, threads=1) as port:
        run_load(port, token, args.clients, 2.0)  # warm-up
        before, triaged = count_cases(args.database_url), predictions(args.database_url)
        tally, elapsed, _cpu = run_load(port, token, args.clients, args.seconds)
        stored = count_cases(args.database_url) - before
        triaged = predictions(args.database_url) - triaged
    return [
        label,
        args.workers,
        args.clients,
        f"{elapsed:.1f}",
        stored,
        f"{stored / elapsed:.0f}",
        ms(percentile(tally.latencies, 0.50)),
        ms(percentile(tally.latencies, 0.99)),
        triaged,
        f"{triaged / elapsed:.1f}",
    ]


TRIAGE_LOOP = """
import time
from django.db import connection
from soridam.cases.models import Case
from soridam.triage.tasks import triage_case
ids = list(Case.objects.order_by("-id").values_list("id", flat=True)[:{count}])
triage_case.call(ids[0])  # loads Kiwi and the model, as a worker's first triage does
started = time.perf_counter()
for case_id in ids[1:]:
    triage_case.call(case_id)
print(len(ids) - 1, time.perf_counter() - started)
"""


def triage_rate(env: dict[str, str], count: int) -> tuple[int, float]:
    """The triage task body in one warm process, case after case: what one worker that only triages
    achieves (the real worker also sends the mail, indexes the case for search and routes it)."""
    out = manage(env, "shell", "-c", TRIAGE_LOOP.format(count=count + 1)).split()
    done, seconds = int(out[-2]), float(out[-1])
    return done, done / seconds


def worker_rate(env: dict[str, str], url: str, seconds: float) -> tuple[int, float]:
    """One db_worker alone on the queued backlog (all of intake's tasks): predictions stored per second."""
    worker = start_worker(env)
    try:
        first = predictions(url)
        deadline = time.monotonic() + 60
        while predictions(url) == first and time.monotonic() < deadline:  # model and Kiwi load
            time.sleep(0.2)
        start, started = predictions(url), time.monotonic()
        time.sleep(seconds)
        done, elapsed = predictions(url) - start, time.monotonic() - started
    finally:
        stop(worker)
    return done, done / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_TRIAGE_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--workers", type=int, default=2, help="web workers")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    if not TRAINING.exists():
        raise SystemExit(f"{TRAINING} is missing: the benchmark trains the model from it")

    ensure_database(args.database_url)
    env = bench_env(args.database_url, EMAIL_URL="locmem://", OMP_NUM_THREADS="1")
    manage(env, "seed_demo", "--if-empty")
    if not int(sql_value(args.database_url, "SELECT count(*) FROM triage_modelversion WHERE is_active")):
        manage(env, "train_triage", "--from", str(TRAINING))
    token = issue_token(env, "admin")

    rows = [intake_row("no worker (tasks queue up)", env, token, args)]
    worker = start_worker(env)
    try:
        rows.append(intake_row("one db_worker running", env, token, args))
    finally:
        stop(worker)
    done, rate = worker_rate(env, args.database_url, args.seconds)
    alone, alone_rate = triage_rate(env, 300)

    print(f"\n## Intake with triage ({time.strftime('%Y-%m-%d')}, {count_cases(args.database_url):,} cases)\n")
    headers = [
        "run",
        "web workers",
        "clients",
        "s",
        "cases stored",
        "cases/s",
        "p50 ms",
        "p99 ms",
        "triaged",
        "triaged/s",
    ]
    print(table(headers, rows))
    print(
        f"\nOne db_worker alone on the backlog (all tasks): {done} cases triaged in {args.seconds:.0f} s = {rate:.1f}/s"
    )
    print(f"The triage task alone, one warm process: {alone} cases at {alone_rate:.1f} cases/s")
    print(f"\n{machine_note()}")


if __name__ == "__main__":
    main()
