"""Pipeline benchmark: an intake burst, and how fast the task workers catch up (issue 13 §1).

    .venv/bin/python bench/pipeline.py [--seconds 60] [--producers 2] [--workers auto] [--no-baseline]

On its own PostgreSQL database (default soridam_bench_pipeline, emptied of cases and tasks before each run;
the demo seed gives teams, agents and categories, the triage model is trained from ko-cs-dev). For each mode:
1. ``--producers`` processes open cases at the maximum rate for ``--seconds`` through ``cases.actions.open_case``,
   the action the API and the form call (each case queues its acknowledgement, triage, routing and indexing),
   while the mode's task workers run beside them, mailing to a real local SMTP server (aiosmtpd);
2. after the burst the workers drain the queue (waited for up to ``--max-drain`` seconds).
Reported per mode: cases filed and their rate, the acknowledgement latency (mail accepted by the SMTP server
minus the case's intake time) p50/p95 for the cases filed during the burst, the drain time after the burst,
and the background rate: cases fully processed (acknowledged, triaged, routed, with SLA clocks, indexed) per
second from the burst's start to the end of the drain. The load average is printed beside every row.

Modes: ``pool`` is this branch's `make run` (``--workers`` db_workers claiming batches by priority, and the
customer lane of the first worker);
``baseline`` is the old path in the same run: one db_worker, one task row at a time (``SORIDAM_WORKER_BATCH=1``).
Bodies combine two ko-cs-dev messages with an order number, so nearly every case's text is distinct.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime
from email import message_from_bytes
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import (  # noqa: E402 - after the path tweak above
    PYTHON,
    ROOT,
    bench_env,
    cpu_seconds,
    ensure_database,
    free_port,
    machine_note,
    manage,
    percentile,
    sql_value,
    table,
)

from soridam.lib.shared_data import shared_data_dir  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/soridam_bench_pipeline"
TRAINING = shared_data_dir() / "ko-cs-dev" / "cases.jsonl"


class Received:
    """The SMTP server's side: when each Message-ID was accepted."""

    def __init__(self) -> None:
        self.at: dict[str, float] = {}
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd hook
        message_id = str(message_from_bytes(envelope.content)["Message-ID"])
        self.at.setdefault(message_id, time.time())
        self.count += 1
        return "250 OK"


def produce(seconds: float, seed: int) -> None:
    """One producer process: open cases through the actions layer until the time is up; print the count."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soridam.settings")
    import django

    django.setup()
    from soridam.cases.actions import NewCase, open_case
    from soridam.customers.actions import Contact

    rng = random.Random(seed)
    texts = [json.loads(line) for line in TRAINING.read_text().splitlines() if line.strip()]
    open_case(NewCase(subject="warm", body="warm", contact=Contact(name="warm", email="warm@example.kr")))
    started = time.time()
    deadline, filed = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        first, second = rng.choice(texts), rng.choice(texts)
        order = f"2026-{rng.randrange(10**7):07d}"
        body = f"{first['body']} {second['body']} 주문번호 {order}"
        subject = (first["subject"] or first["body"])[:60]
        customer = rng.randrange(5000)
        contact = Contact(name=f"고객{customer}", email=f"customer{customer}@example.kr")
        open_case(NewCase(subject=subject, body=body, contact=contact, order_number=order))
        filed += 1
    print(filed, started, time.time())  # noqa: T201 - read by the parent


def reset(url: str) -> None:
    """No cases, messages or task rows from an earlier run: each mode starts from the same empty queue."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("TRUNCATE cases_case, django_tasks_database_dbtaskresult, search_searchdocument CASCADE")
        connection.execute("UPDATE routing_agentstate SET presence = 'online', default_capacity = 30000")
        connection.execute('UPDATE routing_agentcapacity SET "limit" = 30000')


def start_workers(env: dict[str, str], count: int, *, mail: bool) -> list[subprocess.Popen[bytes]]:
    """``count`` db_workers, and with ``mail`` the customer lane in the first (as ``make run`` starts them)."""
    command = [PYTHON, "manage.py", "db_worker", "--no-reload", "--interval", "0.1", "--no-startup-delay"]
    commands = [[*command, "--customer-lane"] if mail and n == 0 else command for n in range(count)]
    return [subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL) for argv in commands]  # noqa: S603


def stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


# A row is due when it runs or may run now. A mail the contact throttle holds (``contact_rules``: at most
# SORIDAM_CONTACT_THROTTLE automatic messages a contact an hour; the producers draw 5,000 customers, so a long
# burst gives some of them more) waits for its hour on purpose: it is counted apart, not as work left to drain.
_DUE = (
    "FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING' "
    "OR (status = 'READY' AND (run_after <= now() OR run_after >= '9999-01-01'))"
)
_HELD_COUNT = (
    "SELECT count(*) FROM django_tasks_database_dbtaskresult "
    "WHERE status = 'READY' AND run_after > now() AND run_after < '9999-01-01'"
)


def unfinished(url: str) -> int:
    return int(sql_value(url, f"SELECT count(*) {_DUE}"))  # noqa: S608 - a constant


def any_due(url: str) -> bool:
    """Polled twice a second while the queue drains: stops at the first due row instead of counting them all
    (a count scanned the whole task table, 20 ms of the database's CPU a poll, taken from the workers measured)."""
    return bool(sql_value(url, f"SELECT EXISTS (SELECT 1 {_DUE})"))  # noqa: S608 - a constant


def held(url: str) -> int:
    """Rows waiting for a later time (the contact throttle's held mails)."""
    return int(sql_value(url, _HELD_COUNT))


def assigned(url: str) -> int:
    return int(sql_value(url, "SELECT count(*) FROM cases_case WHERE assignee_id IS NOT NULL"))


def processed(url: str) -> int:
    """Cases acknowledged (mail accepted by the SMTP server), triaged and indexed; routing and SLA are counted
    by the drain: a drained queue has run every case's routing job (SLA clocks start in the intake action)."""
    return int(
        sql_value(
            url,
            "SELECT count(*) FROM cases_case c WHERE TRUE "
            "AND EXISTS (SELECT 1 FROM triage_prediction p WHERE p.case_id = c.id) "
            "AND EXISTS (SELECT 1 FROM search_searchdocument d WHERE d.kind = 'case' AND d.key = c.id) "
            "AND EXISTS (SELECT 1 FROM notifications_outboundmessage o WHERE o.case_id = c.id AND o.state = 'sent')",
        )
    )


def latencies(url: str, received: Received, burst_end: float) -> list[float]:
    import psycopg

    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT o.external_id, c.intake_at FROM notifications_outboundmessage o "
            "JOIN cases_case c ON c.id = o.case_id"
        ).fetchall()
    return [
        received.at[external_id] - intake.timestamp()
        for external_id, intake in rows
        if intake.timestamp() <= burst_end and external_id in received.at
    ]


def run_mode(name: str, env: dict[str, str], args: argparse.Namespace, received: Received) -> list[object]:
    reset(args.database_url)
    received.at.clear()
    workers = start_workers(env, args.workers if name == "pool" else 1, mail=name == "pool")
    try:
        time.sleep(10)  # the workers import Django and load Kiwi and the triage model
        load_start = os.getloadavg()[0]
        # What the pool itself spends a case, burst and drain (not the producers): compare it with
        # bench/pipeline_cpu.py's in-process figure to see the cost of claiming from a deep queue.
        cpu_start = sum(cpu_seconds(worker.pid) for worker in workers)
        script = [PYTHON, __file__, "--produce", str(args.seconds)]
        producers = [
            subprocess.Popen([*script, "--seed", str(n)], cwd=ROOT, env=env, stdout=subprocess.PIPE)  # noqa: S603
            for n in range(args.producers)
        ]
        reports = [(p.communicate()[0] or b"0 0 0").split()[-3:] for p in producers]
        filed = sum(int(count) for count, _start, _end in reports)
        start = min(float(started) for _count, started, _end in reports)  # the producers' own burst, after set-up
        burst_end = time.time()
        load_burst = os.getloadavg()[0]
        left_at_end = unfinished(args.database_url)
        while any_due(args.database_url) and time.time() - burst_end < args.max_drain:
            time.sleep(0.5)
        drained = time.time()
        left = unfinished(args.database_url)
        load_drain = os.getloadavg()[0]
        pool_cpu = sum(cpu_seconds(worker.pid) for worker in workers) - cpu_start
    finally:
        stop_all(workers)
    done = processed(args.database_url)
    lat = latencies(args.database_url, received, burst_end)
    drain = f"{drained - burst_end:.1f}" if not left else f"> {args.max_drain:.0f} ({left:,} tasks left)"
    if waiting := held(args.database_url):
        drain += f" ({waiting:,} mails held by the contact throttle)"
    return [
        name,
        f"{args.workers} + mail" if name == "pool" else 1,
        f"{filed:,}",
        f"{filed / args.seconds:.1f}",
        f"{percentile(lat, 0.5):.2f}",
        f"{percentile(lat, 0.95):.2f}",
        f"{left_at_end:,}",
        drain,
        f"{done:,}",
        f"{assigned(args.database_url):,}",
        f"{done / (drained - start):.1f}",
        f"{pool_cpu * 1000 / max(done, 1):.1f}",
        f"{load_start:.1f} / {load_burst:.1f} / {load_drain:.1f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_PIPELINE_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the intake burst")
    parser.add_argument("--producers", type=int, default=2, help="processes filing cases")
    parser.add_argument("--workers", default="auto", help="db_worker processes of the pool (auto: as make run)")
    parser.add_argument("--max-drain", type=float, default=180.0, help="give up waiting for the queue after this")
    parser.add_argument("--no-baseline", action="store_true", help="skip the one-worker, one-row-at-a-time run")
    parser.add_argument("--produce", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.produce is not None:
        produce(args.produce, args.seed)
        return
    from aiosmtpd.controller import Controller

    from soridam.lib.supervisor import task_worker_count

    args.workers = task_worker_count(args.workers)
    if not TRAINING.exists():
        raise SystemExit(f"{TRAINING} is missing: the benchmark trains the model and draws its texts from it")
    ensure_database(args.database_url)
    received = Received()
    controller = Controller(received, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        env = bench_env(args.database_url, EMAIL_URL=f"smtp://127.0.0.1:{controller.port}?tls=off")
        env.update(OMP_NUM_THREADS="1", TASKS_BACKEND="django_tasks_db.DatabaseBackend", SORIDAM_WARMUP="false")
        manage(env, "seed_demo", "--if-empty")
        if not int(sql_value(args.database_url, "SELECT count(*) FROM triage_modelversion WHERE is_active")):
            manage(env, "train_triage", "--from", str(TRAINING))
        rows = [run_mode("pool", env, args, received)]
        if not args.no_baseline:
            rows.append(run_mode("baseline", {**env, "SORIDAM_WORKER_BATCH": "1"}, args, received))
    finally:
        controller.stop()
    asyncio.set_event_loop(asyncio.new_event_loop())  # aiosmtpd closed its loop

    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"\n## Intake burst of {args.seconds:.0f} s, {args.producers} producer processes ({when})\n")  # noqa: T201
    headers = [
        "mode",
        "task workers",
        "cases filed",
        "filed/s",
        "ack p50 s",
        "ack p95 s",
        "tasks queued at burst end",
        "drain s",
        "cases acked, triaged, indexed",
        "assigned to an agent",
        "processed/s (burst + drain)",
        "task workers' CPU ms a case",
        "load avg start / burst end / drained",
    ]
    print(table(headers, rows))  # noqa: T201
    print(f"\n{machine_note()}")  # noqa: T201


if __name__ == "__main__":
    main()
