"""E-mail ingest throughput: parse, thread and store messages through the real inbound pipeline.

    .venv/bin/python bench/email_ingest.py [--messages 2000] [--processes 1 2] [--batch 50] [--database-url URL]

Uses its own PostgreSQL database (``soridam_bench_email``, created and migrated when missing). The
messages are synthesised like real support mail: Korean and English, cp949/ks_c_5601-1987 and UTF-8,
plain and HTML, some with an attachment; a third open a case, the rest are replies threaded by
``In-Reply-To``/``References``. Each process hands the messages to the pipeline the way the IMAP
fetcher does, ``--batch`` at a time (``pipeline.receive_many(..., process_now=True)``): the raw payloads
of a batch are committed together, then each is parsed, threaded and stored as a case message in its
own transaction. ``--batch 1`` calls ``pipeline.receive`` per message (one commit for each raw payload).
Follow-up tasks (acknowledgement mail, search indexing) are queued in the database, as in production.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
import uuid
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import analyze, ensure_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/soridam_bench_email"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 2000


def synthesise(count: int, run: str, worker: int) -> list[bytes]:
    """``count`` messages; customer k's replies reference k's first message."""
    mails: list[bytes] = []
    customers = max(1, count // 3)
    for n in range(count):
        k = n % customers
        first = n < customers
        message = EmailMessage()
        message["From"] = f"=?ks_c_5601-1987?B?sejB9sHY?= <c{worker}-{k}-{run}@example.kr>"
        message["To"] = "support@shop.test"
        message["Subject"] = ("배송 문의 " if k % 2 else "Refund request ") + str(k) if first else f"Re: 문의 {k}"
        message["Message-ID"] = f"<{run}-{worker}-{n}@example.kr>"
        if not first:
            message["In-Reply-To"] = f"<{run}-{worker}-{k}@example.kr>"
            message["References"] = f"<{run}-{worker}-{k}@example.kr>"
        body = (
            f"주문 {n}번이 아직 도착하지 않았습니다. 확인 부탁드립니다.\n\n"
            "2026년 11월 22일 (일) 오후 3:04, 고객센터 <s@shop.test>님이 작성:\n> 이전 답변"
        )
        if n % 3 == 0:
            message.set_content(body.encode("cp949"), maintype="text", subtype="plain", cte="base64")
            message.replace_header("Content-Type", 'text/plain; charset="ks_c_5601-1987"')
        else:
            message.set_content(body)
            message.add_alternative(f"<p>{body}</p><blockquote>quoted</blockquote>", subtype="html")
        if n % 10 == 0:
            message.add_attachment(PNG, maintype="image", subtype="png", filename="사진.png")
        mails.append(message.as_bytes(policy=SMTP))
    return mails


def _setup(database_url: str) -> None:
    os.environ.update(DATABASE_URL=database_url, DB_CONN_MAX_AGE="600", LOG_LEVEL="WARNING")
    os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soridam.settings")
    import django

    django.setup()


def _parse_only(database_url: str, mails: list[bytes]) -> tuple[float, float]:
    _setup(database_url)
    from soridam.channels.email.reader import read_email

    start, cpu = time.perf_counter(), time.process_time()
    for raw in mails:
        read_email(raw)
    return time.perf_counter() - start, time.process_time() - cpu


def _ingest(
    args: tuple[str, int, int, str, int, bool, multiprocessing.synchronize.Barrier],
) -> tuple[float, float, int]:
    database_url, count, worker, run, batch, async_commit, barrier = args
    mails = synthesise(count, run, worker)
    _setup(database_url)
    from django.db import connection

    from soridam.channels import pipeline

    if async_commit:  # for comparison only: a crash may lose the last few commits
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")

    barrier.wait()
    start, cpu = time.perf_counter(), time.process_time()
    processed = 0
    for first in range(0, len(mails), batch):
        chunk = mails[first : first + batch]
        if batch == 1:
            results = [pipeline.receive("email", chunk[0], process_now=True)]
        else:
            results = pipeline.receive_many("email", [(raw, "bench") for raw in chunk], process_now=True)
        processed += sum(payload.state == "processed" for payload, _new in results)
    return time.perf_counter() - start, time.process_time() - cpu, processed


def run(
    database_url: str, messages: int, processes: int, batch: int, async_commit: bool = False
) -> tuple[float, int, float, float]:
    run_id = uuid.uuid4().hex[:8]
    per = messages // processes
    with multiprocessing.get_context("spawn").Manager() as manager:
        barrier = manager.Barrier(processes)
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            wall = time.perf_counter()
            results = pool.map(
                _ingest, [(database_url, per, w, run_id, batch, async_commit, barrier) for w in range(processes)]
            )
            wall = time.perf_counter() - wall
    slowest = max(seconds for seconds, _cpu, _n in results)
    cpu = sum(cpu for _s, cpu, _n in results)
    stored = sum(n for _s, _cpu, n in results)
    return stored / slowest, stored, slowest, stored / cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch", type=int, default=50, help="messages per raw-payload transaction")
    parser.add_argument(
        "--async-commit", action="store_true", help="SET synchronous_commit = off (comparison only, not the target)"
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_EMAIL_DATABASE_URL", DEFAULT_URL))
    options = parser.parse_args()
    ensure_database(options.database_url)
    load = os.getloadavg()[0]
    parse_seconds, parse_cpu = _parse_only(options.database_url, synthesise(options.messages, "parse", 0))
    print(
        f"Load average before: {load:.1f}. {options.messages} messages per row, batch {options.batch}, "
        f"synchronous_commit {'off' if options.async_commit else 'on'}.\n"
    )
    _row("what", "processes", "messages stored", "wall seconds", "messages/s", "messages per CPU-second of Python")
    _row(*["---"] * 6)
    parse_rate = options.messages / parse_seconds
    _row(
        "parse only (no database)",
        1,
        "-",
        f"{parse_seconds:.2f}",
        f"{parse_rate:.0f}",
        f"{options.messages / parse_cpu:.0f}",
    )
    for processes in options.processes:
        analyze(options.database_url)
        rate, stored, seconds, per_cpu = run(
            options.database_url, options.messages, processes, options.batch, options.async_commit
        )
        _row(
            "parse + thread + store (PostgreSQL)", processes, stored, f"{seconds:.2f}", f"{rate:.0f}", f"{per_cpu:.0f}"
        )


def _row(*cells: object) -> None:
    print("| " + " | ".join(str(cell) for cell in cells) + " |")


if __name__ == "__main__":
    main()
