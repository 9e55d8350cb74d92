"""A fresh `make run`: how soon after `/healthz` answers do search and acknowledgements work (issue 13)?

    .venv/bin/python bench/fresh_run.py [--rounds 2] [--database-url postgres://...]

Each round, for the baseline (a ``git archive`` of the parent of main's commit "demo: the seed's own jobs ...",
served with this tree's .venv) and for this tree, alternating: an empty database (a SQLite file in a temporary
SORIDAM_VAR_DIR, or a new PostgreSQL database named after ``--database-url``), then what `make run` runs
(migrate, collectstatic, ``seed_demo --if-empty``, ``python -m soridam.lib.supervisor PORT 2 2 auto``), with
EMAIL_URL pointing at a real local SMTP server (aiosmtpd) started here. From the moment ``/healthz`` answers 200
it times: ``/help/suggest`` returning an article for a Korean and an English query; the acknowledgement mail of a
case filed through the public web form at once, and of one filed 5 s later (each from its filing until a mail
naming its reference reaches the SMTP server). One SIGINT stops the stack, as Ctrl-C does for `make run`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path
from statistics import median
from typing import Any
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, ROOT, Client, bench_env, free_port, machine_note, manage, stop_group, table  # noqa: E402

BASELINE_SUBJECT = "demo: the seed's own jobs"
QUERIES = {"ko": "환불", "en": "refund"}
LATER = 5.0


class Sink:
    """The SMTP server's side: the text of every accepted mail and when it arrived."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.mails: list[tuple[float, list[str], str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd hook
        message = message_from_bytes(envelope.content, policy=policy.default)
        parts = [str(message["Subject"] or "")]
        parts += [part.get_content() for part in message.walk() if part.get_content_type() == "text/plain"]
        with self.lock:
            self.mails.append((time.monotonic(), list(envelope.rcpt_tos), "\n".join(parts)))
        return "250 OK"

    def clear(self) -> None:
        """Forget earlier runs' mails: a fresh database numbers its cases from the start again."""
        with self.lock:
            self.mails.clear()

    def arrival(self, reference: str, recipient: str) -> float | None:
        """When the first mail to ``recipient`` naming ``reference`` arrived."""
        with self.lock:
            return next((at for at, to, text in self.mails if recipient in to and reference in text), None)


def baseline_tree(into: Path) -> str:
    """Main's code just before the commit that queued the seed's jobs below new work; returns its short id."""
    found = subprocess.run(
        ["git", "log", "main", "-1", "--format=%H", f"--grep={BASELINE_SUBJECT}", "--fixed-strings"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not found:
        raise SystemExit(f"no commit {BASELINE_SUBJECT!r} on main")
    archive = subprocess.run(["git", "archive", f"{found}^"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    (into / "node_modules").symlink_to(ROOT / "node_modules")  # collectstatic serves htmx from it
    compiled = ROOT / "soridam" / "locale" / "ko" / "LC_MESSAGES" / "django.mo"
    if compiled.exists():
        shutil.copy(compiled, into / "soridam" / "locale" / "ko" / "LC_MESSAGES" / "django.mo")
    return subprocess.run(
        ["git", "rev-parse", "--short", f"{found}^"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def collect_static_for_supervisor(tree: Path) -> None:
    """The supervisor serves ``var/static`` of its working directory whatever SORIDAM_VAR_DIR says, so the
    files are collected there too, as `make install` does."""
    manage(
        bench_env("sqlite://", SORIDAM_VAR_DIR=str(tree / "var")), "collectstatic", "--noinput", "-v", "0", tree=tree
    )


def fresh_database(database_url: str | None, var_dir: Path, tag: str) -> str:
    """An empty database for one run: a SQLite file in the run's var dir, or a new PostgreSQL database."""
    if database_url is None:
        return f"sqlite:///{var_dir / 'soridam.sqlite3'}"
    import psycopg

    url = f"{database_url}_{tag}"
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url


def drop_database(url: str) -> None:
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


@contextmanager
def make_run(env: dict[str, str], tree: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """The supervisor as `make run` execs it; stopped with one SIGINT to its group, as Ctrl-C does."""
    command = [PYTHON, "-m", "soridam.lib.supervisor", str(port), "2", "2", "auto"]
    process = subprocess.Popen(command, cwd=tree, env=env, start_new_session=True)  # noqa: S603
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            stop_group(process)


def wait_for(probe: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if probe():
                return True
        except OSError:
            pass
        time.sleep(interval)
    return False


def customer_email(number: int) -> str:
    return f"fresh-run-{number}-{os.getpid()}@example.com"


def file_case(port: int, number: int) -> str:
    """File a case through the public web form, as a new customer does; returns its reference."""
    client = Client(port)
    page = client.get("/complaint/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    if page.status != 200 or token is None:
        raise SystemExit(f"the complaint form answered {page.status} without a CSRF token")
    form = {
        "csrfmiddlewaretoken": token.group(1).decode(),
        "name": f"Fresh Run {number}",
        "email": customer_email(number),
        "category": "delivery",
        "text": "주문한 신발이 아직 도착하지 않았어요. 환불 받을 수 있나요?",
    }
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{port}/"}
    answer = client.request("POST", "/complaint/", urlencode(form).encode(), headers)
    location = dict((name.lower(), value) for name, value in answer.headers).get("location", "")
    if answer.status != 302 or "/track/" not in location:
        raise SystemExit(f"filing a case answered {answer.status}: {answer.body[:300]!r}")
    tracking = client.get(location)
    reference = re.search(rb'id="case-reference">([^<]+)<', tracking.body)
    if reference is None:
        raise SystemExit("the tracking page shows no case reference")
    return reference.group(1).decode().strip()


def has_article(port: int, query: str) -> bool:
    answer = Client(port).get(f"/help/suggest?q={quote(query)}")
    return answer.status == 200 and b"/help/articles/" in answer.body


class Timings:
    """Seconds for each probe, measured in its own thread from a shared start (``None``: not within the limit)."""

    def __init__(self) -> None:
        self.values: dict[str, float | None] = {}
        self.errors: list[str] = []

    def run(self, name: str, body: Callable[[], float | None]) -> threading.Thread:
        def target() -> None:
            try:
                self.values[name] = body()
            except (SystemExit, Exception) as error:  # noqa: BLE001 - reported in the table's notes
                self.values[name] = None
                self.errors.append(f"{name}: {error}")

        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        return thread


def measure(port: int, sink: Sink, limit: float) -> Timings:
    healthy = time.monotonic()
    timings = Timings()

    def suggestion(query: str) -> Callable[[], float | None]:
        def body() -> float | None:
            found = wait_for(lambda: has_article(port, query), limit, 0.2)
            return time.monotonic() - healthy if found else None

        return body

    def acknowledgement(number: int, delay: float) -> Callable[[], float | None]:
        def body() -> float | None:
            time.sleep(delay)
            filed = time.monotonic()
            reference = file_case(port, number)
            recipient = customer_email(number)
            arrived = wait_for(lambda: sink.arrival(reference, recipient) is not None, limit, 0.05)
            return (sink.arrival(reference, recipient) or 0) - filed if arrived else None

        return body

    threads = [timings.run(f"suggest {lang}", suggestion(query)) for lang, query in QUERIES.items()]
    threads.append(timings.run("ack now", acknowledgement(1, 0.0)))
    threads.append(timings.run("ack +5 s", acknowledgement(2, LATER)))
    for thread in threads:
        thread.join(limit + LATER + 60)
    return timings


def one_run(tree: Path, args: argparse.Namespace, sink: Sink, smtp_port: int, tag: str) -> tuple[Timings, float]:
    with tempfile.TemporaryDirectory(prefix="soridam-fresh-") as var:
        url = fresh_database(args.database_url, Path(var), tag)
        port = free_port()
        env = bench_env(
            url,
            SORIDAM_VAR_DIR=var,
            EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}?tls=off",
            LOG_JSON="false",
            PORT=str(port),
            CHAT_WS_PORT=str(free_port()),
        )
        sink.clear()
        started = time.monotonic()
        try:
            manage(env, "migrate", "--noinput", "-v", "0", tree=tree)
            manage(env, "collectstatic", "--noinput", "-v", "0", tree=tree)
            manage(env, "seed_demo", "--if-empty", tree=tree)
            with make_run(env, tree, port):
                if not wait_for(lambda: Client(port).get("/healthz").status == 200, 120, 0.05):
                    raise SystemExit("/healthz did not answer 200 within 120 s")
                setup = time.monotonic() - started
                timings = measure(port, sink, args.limit)
        finally:
            drop_database(url)
    return timings, setup


def cell(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def summary(values: list[float | None], limit: float) -> str:
    """The median, counting a probe that never succeeded as the limit (shown with >)."""
    filled = [limit if value is None else value for value in values]
    text = f"{median(filled):.2f}"
    return f">{text}" if any(value is None for value in values) and median(filled) >= limit else text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--database-url", help="a PostgreSQL URL whose name is a prefix (_baseline_N / _current_N are created)"
    )
    parser.add_argument("--limit", type=float, default=90.0, help="give up a probe after this many seconds")
    args = parser.parse_args()
    from aiosmtpd.controller import Controller

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    columns = ["suggest ko", "suggest en", "ack now", "ack +5 s"]
    results: dict[str, list[Timings]] = {"baseline": [], "current": []}
    rows: list[list[object]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="soridam-baseline-") as base:
            commit = baseline_tree(Path(base))
            trees = {"baseline": Path(base), "current": ROOT}
            for tree in trees.values():
                collect_static_for_supervisor(tree)
            for round_number in range(1, args.rounds + 1):
                for name, tree in trees.items():
                    load = os.getloadavg()[0]
                    timings, setup = one_run(tree, args, sink, controller.port, f"{name}_{round_number}")
                    results[name].append(timings)
                    values = [cell(timings.values.get(column)) for column in columns]
                    rows.append([round_number, name, f"{setup:.0f}", *values, f"{load:.2f}"])
                    print(f"round {round_number} {name}: {values} {timings.errors}", flush=True)  # noqa: T201
    finally:
        controller.stop()
    asyncio.set_event_loop(asyncio.new_event_loop())  # aiosmtpd closed its loop
    for name, runs in results.items():
        medians = [summary([run.values.get(column) for run in runs], args.limit) for column in columns]
        rows.append(["median", name, "", *medians, ""])
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"\n## Fresh `make run` on {database}, {args.rounds} rounds, baseline {commit} ({when})\n")  # noqa: T201
    print(f"{machine_note()}\n")  # noqa: T201
    headers = ["round", "tree", "start to /healthz, s", *(f"{column}, s" for column in columns), "load"]
    print(table(headers, rows))  # noqa: T201
    print(  # noqa: T201
        "\nsuggest: seconds from /healthz 200 until /help/suggest returns an article (환불, refund); ack: seconds "
        "from filing a case through /complaint/ (at once, and 5 s after /healthz) until its acknowledgement "
        f"naming the reference reached the SMTP server; — = not within {args.limit:.0f} s."
    )


if __name__ == "__main__":
    main()
