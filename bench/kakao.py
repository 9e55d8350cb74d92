"""KakaoTalk skill calls against `make run`'s stack (issue 15): are they answered within Kakao's 5 s?

    .venv/bin/python bench/kakao.py [--requests 200] [--rounds 3] [--slow-seconds 5] [--baseline-tree DIR]

Starts the supervisor as `make run` execs it (granian WSGI, 2 workers x 2 threads, task workers, the first
with the customer lane) on PostgreSQL database soridam_bench_kakao (created, migrated and seeded with the demo once),
with the bench's bot (bench/kakao_bot.py). Then, in rounds that alternate, ``--requests`` concurrent skill calls from
as many new KakaoTalk users (a new case each) answered by the echo bot (the baseline: intake, case, storage, but
no bot work) and by Soridam's bot engine. A call counts as a timeout past 5 s (Kakao's limit) and as a fallback
when the bot missed the 4.5 s deadline. Last, on each stack in turn, the same burst with the bot slowed past the
deadline and a ``callbackUrl`` pointing at a local callback server: every call must get ``useCallback`` within
5 s and its answer must reach the callback server within a minute (``--rounds 0``: this burst only).

Each burst's CPU is read from /proc (``proc_cpu``): the web workers, the other processes of the stack (task
workers, analyser, chat sockets) and the PostgreSQL backends of the database, during the burst and until the
stack has drained its work (no pending payload, no due task). ``--baseline-tree DIR`` (e.g. a ``git worktree`` of
main) alternates rounds between that tree's stack, on database ``<name>_base``, and this one's, in one run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    PYTHON,
    ROOT,
    Client,
    bench_env,
    ensure_database,
    free_port,
    machine_note,
    manage,
    ms,
    percentile,
    sql_value,
    stop_group,
    table,
)
from proc_cpu import Meter  # noqa: E402

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/soridam_bench_kakao"
BOT_ID = "bench-bot-0001"
KAKAO_LIMIT = 5.0
CLIENT_TIMEOUT = 120.0  # long enough to see how late a call past Kakao's 5 s would have been answered
RUN = uuid.uuid4().hex[:8]
CALLBACKS = ("--option", "callback_hosts=127.0.0.1")  # the local callback server (else https on kakao.com only)


@dataclass(frozen=True)
class Call:
    seconds: float
    outcome: str  # answered, fallback, callback (useCallback), timeout, error


def skill_payload(user: str, utterance: str, callback_url: str = "") -> bytes:
    request: dict[str, Any] = {
        "timezone": "Asia/Seoul",
        "lang": "kr",
        "utterance": utterance,
        "params": {"surface": "Kakaotalk.plusfriend"},
        "block": {"id": "bench-block", "name": "bench"},
        "user": {"id": user, "type": "botUserKey", "properties": {"plusfriendUserKey": f"pf-{user}"}},
    }
    if callback_url:
        request["callbackUrl"] = callback_url
    body = {"intent": {"id": "bench", "name": "bench"}, "userRequest": request, "contexts": [], "bot": {"id": BOT_ID}}
    body["action"] = {"id": "bench-skill", "name": "bench", "params": {}, "detailParams": {}, "clientExtra": {}}
    return json.dumps(body, ensure_ascii=False).encode()


def one_call(port: int, path: str, body: bytes, start: threading.Barrier) -> Call:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
    start.wait()
    began = time.perf_counter()
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": "application/json;charset=UTF-8"})
        answer = connection.getresponse()
        data = answer.read()
    except (OSError, http.client.HTTPException):
        return Call(time.perf_counter() - began, "error")
    finally:
        connection.close()
    seconds = time.perf_counter() - began
    return Call(seconds, "timeout" if seconds > KAKAO_LIMIT else _outcome(answer.status, data))


def _outcome(status: int, data: bytes) -> str:
    try:
        body = json.loads(data)
    except ValueError:
        return "error"
    if status != 200 or body.get("version") != "2.0":
        return "error"
    if body.get("useCallback"):
        return "callback"
    text = body["template"]["outputs"][0]["simpleText"]["text"]
    return "fallback" if "늦어지고" in text else "answered"


def burst(port: int, slug: str, count: int, utterance: str, label: str, callback_base: str = "") -> list[Call]:
    start = threading.Barrier(count)
    calls: list[Call | None] = [None] * count

    def run(index: int) -> None:
        user = f"bench-{RUN}-{label}-{index}"
        callback = f"{callback_base}/cb/{user}" if callback_base else ""
        calls[index] = one_call(port, f"/hooks/kakao/{slug}/", skill_payload(user, utterance, callback), start)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [call for call in calls if call is not None]


class Callbacks:
    """The local stand-in for Kakao's callback endpoint: records when each answer arrived."""

    def __init__(self) -> None:
        self.arrived: dict[str, tuple[float, dict[str, Any]]] = {}
        self.lock = threading.Lock()
        callbacks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with callbacks.lock:
                    callbacks.arrived[self.path.rsplit("/", 1)[1]] = (time.perf_counter(), json.loads(body))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@dataclass(frozen=True)
class Stack:
    """One source tree's `make run` on its own database."""

    label: str
    tree: Path
    database_url: str
    env: dict[str, str]
    slug: str


@dataclass(frozen=True)
class Burst:
    calls: list[Call]
    cpu: dict[str, float]  # CPU seconds per part while the calls were answered
    drain_cpu: dict[str, float]  # ... and after, until the stack had done the work the calls left
    drain_seconds: float


@contextmanager
def make_run(stack: Stack, port: int) -> Iterator[Meter]:
    """The supervisor as `make run` execs it (2 web workers, 2 threads, task workers auto); one SIGINT stops it."""
    # Under a shell that stays its parent: the supervisor reads a blocked SIGINT in its parent's /proc status as
    # make stopping, and glibc blocks every signal for a moment in each pthread_create of our 200 client threads.
    supervisor = [PYTHON, "-m", "soridam.lib.supervisor", str(port), "2", "2", "auto"]
    command = ["sh", "-c", '"$@"; exit $?', "sh", *supervisor]
    process = subprocess.Popen(command, cwd=stack.tree, env=stack.env, start_new_session=True)  # noqa: S603
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if Client(port).get("/readyz").status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit("make run's web server did not become ready within 120 s")
        yield Meter(process.pid, stack.database_url.rsplit("/", 1)[1])
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            stop_group(process)


def measured_burst(port: int, stack: Stack, meter: Meter, utterance: str, label: str, count: int) -> Burst:
    before = meter.take()
    calls = burst(port, stack.slug, count, utterance, label)
    answered = meter.take()
    began = time.monotonic()
    drain_seconds = wait_drained(stack.database_url) - began
    return Burst(calls, answered.since(before), meter.take().since(answered), drain_seconds)


def wait_drained(database_url: str, limit: float = 180.0) -> float:
    """Until no payload waits for processing and no task is due (the scheduler's future ones aside)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        waiting = sql_value(
            database_url,
            "SELECT (SELECT count(*) FROM soridam_channels_rawpayload WHERE state = 'pending')"
            " + (SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING')"
            " AND (run_after IS NULL OR run_after < now() + interval '8 seconds'))",
        )
        if not waiting:
            break
        time.sleep(1.0)
    return time.monotonic()


def row(label: str, bursts: list[Burst]) -> list[object]:
    calls = [call for each in bursts for call in each.calls]
    seconds = [call.seconds for call in calls]
    counts = {outcome: sum(call.outcome == outcome for call in calls) for outcome in ("answered", "fallback")}
    failed = sum(call.outcome in ("timeout", "error") for call in calls)

    def per_call(spent: float) -> str:
        return f"{spent * 1000 / max(len(calls), 1):.1f}"

    cpu = [per_call(sum(each.cpu[part] for each in bursts)) for part in ("web", "tasks", "postgres")]
    after = per_call(sum(sum(each.drain_cpu.values()) for each in bursts))
    drain = max(each.drain_seconds for each in bursts)
    return [label, len(calls), ms(percentile(seconds, 0.5)), ms(percentile(seconds, 0.99)), ms(max(seconds))] + [
        counts["answered"],
        counts["fallback"],
        failed,
        *cpu,
        after,
        f"{drain:.0f}",
    ]


def prepare(label: str, tree: Path, database_url: str, args: argparse.Namespace) -> Stack:
    env = bench_env(
        database_url,
        SORIDAM_CHAT_RESPONDER="kakao_bot.reply",
        PYTHONPATH=str(tree / "bench"),
        RATE_LIMIT_KAKAO_SKILL="10000000",
        KAKAO_BENCH_SLOW_SECONDS=str(args.slow_seconds),
    )
    ensure_database(database_url, tree=tree)
    manage(env, "seed_demo", "--if-empty", tree=tree)
    slug = f"bench-kakao-{RUN}"
    options = ["--option", f"bot_id={BOT_ID}", *CALLBACKS]
    manage(env, "channel_account", "add", "--kind", "kakao", "--slug", slug, *options, "--json", tree=tree)
    # Messengers are outside processors: their webhooks answer 404 until an administrator accepts the
    # outsourcing notice (R-SEC-13).
    accept = (
        "from soridam.accounts import processors\n"
        "from soridam.accounts.models import User\n"
        "if not processors.is_accepted('kakao'):\n"
        "    processors.accept('kakao', next(u for u in User.objects.order_by('pk') if u.is_admin_role))\n"
    )
    manage(env, "shell", "-c", accept, tree=tree)
    return Stack(label, tree, database_url, env, slug)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3, help="alternating echo/bot rounds (0: the slowed bot only)")
    parser.add_argument("--slow-seconds", type=float, default=5.0)
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--baseline-tree", type=Path, help="another source tree to compare with, round by round")
    args = parser.parse_args()

    stacks = [prepare("this tree", ROOT, args.database_url, args)]
    if args.baseline_tree:
        stacks.insert(0, prepare("baseline", args.baseline_tree.resolve(), args.database_url + "_base", args))
    bots = {"echo bot": "[echo] 안녕하세요", "bot engine": "배송 언제 와요?"}
    results: dict[str, list[Burst]] = {f"{stack.label}, {bot}": [] for stack in stacks for bot in bots}
    port = free_port()
    for round_number in range(args.rounds):
        for stack in stacks:
            with make_run(stack, port) as meter:
                burst(port, stack.slug, 10, "[echo] warm-up", f"warm{round_number}")  # each worker connects once
                burst(port, stack.slug, 10, "배송 언제 와요?", f"warm-bot{round_number}")
                wait_drained(stack.database_url)
                for bot, utterance in bots.items():
                    tag = f"{stack.label[0]}{bot[0]}{round_number}"
                    results[f"{stack.label}, {bot}"].append(
                        measured_burst(port, stack, meter, utterance, tag, args.requests)
                    )
    slow_runs = [slow_burst(stack, port, args.requests) for stack in stacks]
    print(f"KakaoTalk skill calls, {args.requests} concurrent, {args.rounds} alternating rounds; {machine_note()}")
    if args.rounds:
        headers = ["stack, bot", "calls", "p50 ms", "p99 ms", "max ms", "answered", "fallback", "timeouts/errors"]
        headers += ["web CPU ms/call", "other CPU ms/call", "PG CPU ms/call", "drain CPU ms/call", "drain s"]
        print(table(headers, [row(label, bursts) for label, bursts in results.items()]))
    print(f"1-minute load average at the end: {os.getloadavg()[0]:.2f}")
    print(slow_report(args, slow_runs))


def slow_burst(stack: Stack, port: int, count: int) -> tuple[str, list[Call], Callbacks, float]:
    """The burst with the bot slowed past the deadline and a callbackUrl on every call (each stack in turn)."""
    with make_run(stack, port):
        callbacks = Callbacks()
        sent = time.perf_counter()
        slow = burst(port, stack.slug, count, "[slow] 환불은 언제 되나요?", f"slow-{stack.label[0]}", callbacks.url)
        while len(callbacks.arrived) < count and time.perf_counter() - sent < 70:
            time.sleep(0.5)
    return stack.label, slow, callbacks, sent


def slow_report(args: argparse.Namespace, runs: list[tuple[str, list[Call], Callbacks, float]]) -> str:
    headers = ["stack, bot", "calls", "useCallback", "HTTP p99 ms", "timeouts/errors", "callbacks", "last callback s"]
    rows = []
    for label, slow, callbacks, sent in runs:
        waits = [arrived - sent for arrived, _body in callbacks.arrived.values()]
        outputs = [body.get("template", {}).get("outputs", [{}])[0] for _at, body in callbacks.arrived.values()]
        answered = sum(output.get("simpleText", {}).get("text", "").startswith("[slow]") for output in outputs)
        rows.append(
            [
                f"{label}, slowed to {args.slow_seconds:g} s",
                len(slow),
                sum(call.outcome == "callback" for call in slow),
                ms(percentile([call.seconds for call in slow], 0.99)),
                sum(call.outcome in ("timeout", "error") for call in slow),
                f"{answered}/{len(slow)}",
                f"{max(waits):.1f}" if waits else "-",
            ]
        )
    return "\n" + table(headers, rows)


if __name__ == "__main__":
    main()
