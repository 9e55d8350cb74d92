"""Where the background pipeline's CPU goes, per case and per job kind (issue 13 §1).

    .venv/bin/python bench/pipeline_cpu.py [--cases 400] [--profile 25] [--database-url …]

Uses the database of ``bench/pipeline.py`` (seeded and trained by it; emptied of cases and tasks here). Opens
``--cases`` cases through ``cases.actions.open_case`` (queueing their jobs, as intake does), then one in-process
``BatchWorker`` drains the queue in batches, as a pool worker does, mailing to a local SMTP server (aiosmtpd).
Reported per task: rows run, the worker's CPU (``process_time``) in ms per case, and PostgreSQL's CPU for the
worker's connection in ms per case (read from /proc for its backend process); the claims and records of task
rows are counted apart. With ``--profile N`` the N heaviest functions of a cProfile of the drain are printed.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import cpu_seconds, free_port, machine_note, table  # noqa: E402 - after the path tweak above
from pipeline import DEFAULT_URL, TRAINING, Received, reset  # noqa: E402


def open_cases(count: int) -> None:
    from soridam.cases.actions import NewCase, open_case
    from soridam.customers.actions import Contact

    rng = random.Random(1)
    texts = [json.loads(line) for line in TRAINING.read_text().splitlines() if line.strip()]
    for _ in range(count):
        first, second = rng.choice(texts), rng.choice(texts)
        order = f"2026-{rng.randrange(10**7):07d}"
        customer = rng.randrange(5000)
        contact = Contact(name=f"고객{customer}", email=f"customer{customer}@example.kr")
        body = f"{first['body']} {second['body']} 주문번호 {order}"
        subject = (first["subject"] or first["body"])[:60]
        open_case(NewCase(subject=subject, body=body, contact=contact, order_number=order))  # as bench/pipeline.py


class Meter:
    """CPU of the worker and of its PostgreSQL backend, summed per label."""

    def __init__(self) -> None:
        self.cpu: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])  # worker s, db s, rows

    def measure(self, label: str, rows: int, call: Any) -> Any:
        from django.db import connection

        with connection.cursor() as cursor:  # the worker may have opened a new connection since the last call
            cursor.execute("SELECT pg_backend_pid()")
            pid = int(cursor.fetchone()[0])
        cpu, db = time.process_time(), cpu_seconds(pid)
        try:
            return call()
        finally:
            entry = self.cpu[label]
            entry[0] += time.process_time() - cpu
            entry[1] += cpu_seconds(pid) - db
            entry[2] += rows


def drain(meter: Meter) -> None:
    from soridam.workers.worker import BatchWorker

    worker = BatchWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="pipeline-cpu",
        excluded_queue_names=[],
    )
    claim, run_rows = worker.claim, worker.run_rows

    def measured_claim() -> Any:
        return meter.measure("claim task rows", 0, claim)

    def measured_run(rows: list[Any]) -> None:
        label = rows[0].task_path.rsplit(".", 1)[-1]
        meter.measure(label, len(rows), lambda: run_rows(rows))

    worker.claim, worker.run_rows = measured_claim, measured_run  # type: ignore[method-assign]
    worker.run()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_PIPELINE_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--cases", type=int, default=400)
    parser.add_argument("--profile", type=int, default=0, help="print this many functions of a cProfile")
    args = parser.parse_args()
    from aiosmtpd.controller import Controller

    received = Received()
    controller = Controller(received, hostname="127.0.0.1", port=free_port())
    controller.start()
    os.environ.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="soridam.settings",
        EMAIL_URL=f"smtp://127.0.0.1:{controller.port}?tls=off",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        LOG_LEVEL="WARNING",
        DEBUG="false",
        OMP_NUM_THREADS="1",
    )
    import django

    django.setup()
    from soridam.warmup import WORKER_STEPS, warm_up

    reset(args.database_url)
    warm_up(WORKER_STEPS)
    load = os.getloadavg()[0]
    started = time.process_time()
    open_cases(args.cases)
    intake = time.process_time() - started
    meter = Meter()
    profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not waits
    wall = time.perf_counter()
    if profiler:
        profiler.enable()
    drain(meter)
    if profiler:
        profiler.disable()
    wall = time.perf_counter() - wall
    controller.stop()
    report(meter, args.cases, intake=intake, wall=wall, load=load, mails=received.count)
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(args.profile)
        stats.sort_stats("tottime").print_stats(args.profile)


def report(meter: Meter, n: int, *, intake: float, wall: float, load: float, mails: int) -> None:
    rows: list[list[object]] = [
        [label, int(r), f"{w * 1000 / n:.2f}", f"{d * 1000 / n:.2f}"] for label, (w, d, r) in meter.cpu.items()
    ]
    worker, database = (sum(entry[k] for entry in meter.cpu.values()) for k in (0, 1))
    rows.append(["all background work", "", f"{worker * 1000 / n:.2f}", f"{database * 1000 / n:.2f}"])
    print(f"\n{n} cases, intake {intake * 1000 / n:.2f} ms CPU a case; drain {wall:.1f} s, {n / wall:.1f} cases/s")  # noqa: T201
    print(f"mails received {mails}; load average before {load:.2f}, after {os.getloadavg()[0]:.2f}\n")  # noqa: T201
    print(table(["task", "rows", "worker CPU ms/case", "PostgreSQL CPU ms/case"], rows))  # noqa: T201
    print(f"\n{machine_note()}")  # noqa: T201


if __name__ == "__main__":
    main()
