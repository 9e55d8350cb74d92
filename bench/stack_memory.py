"""Memory of the default `make run` stack after search, triage and intake have run: RSS and PSS per process.

    .venv/bin/python bench/stack_memory.py [--settle 40] [--intakes 20]

On its own PostgreSQL database ``soridam_bench_memory`` (the demo seed), each mode starts the stack the way
`make run` does (``python -m soridam.lib.supervisor PORT 2 2 auto``: the analyser, two granian web workers, the
task-worker pool, the first with the customer lane and the scheduler as threads), waits for ``/healthz``, times a help
suggestion for every prefix of six typed questions (each a new query, so each is analysed), asks three searches, files
``--intakes`` complaints over the API (each is acknowledged, triaged, routed and indexed by the workers),
waits ``--settle`` seconds, then reads every process of the tree from /proc and stops the stack with one
SIGINT. The modes (``--modes``, default the first two, in one run): ``default`` (one analyser process holds the
stack's only Kiwi, ``lib.analyser``; the packages as `make run` installs them, requirements.txt only: the
development-only ones are hidden, see ``AS_INSTALLED``), ``dev-venv`` (the same in the development virtualenv as
it is) and the old baseline ``kiwi-each`` (``SORIDAM_ANALYSER=false``: every process that analyses Korean builds
its own, as before the analyser existed). RSS counts shared pages in every process that
maps them; PSS divides them among those processes, so the PSS total is what the stack really holds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402 - after the path tweak above
    PYTHON,
    ROOT,
    Client,
    bench_env,
    ensure_database,
    free_port,
    issue_token,
    machine_note,
    manage,
    table,
)

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/soridam_bench_memory"
# `make run` installs requirements.txt only; the bench runs in the development virtualenv, whose dev-only packages
# are hidden by this directory on PYTHONPATH (bench/without_dev_packages/rich: structlog imports it when present).
AS_INSTALLED = {"PYTHONPATH": str(ROOT / "bench" / "without_dev_packages")}
MODES = {
    "default": AS_INSTALLED,
    "dev-venv": {},
    "kiwi-each": {**AS_INSTALLED, "SORIDAM_ANALYSER": "false"},
}
SEARCHES = ("환불", "배송 지연", "교환 신청")
# What customers type into the help search, letter by letter: every prefix is a new query (answers are cached by
# query), so each one is analysed, by the web worker's own Kiwi or by the analyser over its socket.
TYPED = (
    "배송지 변경하고 싶어요",
    "환불 언제 되나요",
    "교환 신청 방법",
    "주문 취소",
    "쿠폰 적용이 안 돼요",
    "비밀번호 찾기",
)


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(child) for child in found]


def process_tree(pid: int) -> list[int]:
    return [pid, *(descendant for child in _children(pid) for descendant in process_tree(child))]


def memory_of(pid: int) -> tuple[str, int, int] | None:
    """(command, RSS MiB, PSS MiB) of one process, or None if it is gone."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ").strip()
        status = Path(f"/proc/{pid}/status").read_text()
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    rss = re.search(r"VmRSS:\s+(\d+)", status)
    pss = re.search(r"^Pss:\s+(\d+)", rollup, re.MULTILINE)
    if rss is None or pss is None:
        return None
    return _short(command), int(rss.group(1)) // 1024, int(pss.group(1)) // 1024


def _short(command: str) -> str:
    for marker in ("manage.py ", "granian ", "-m "):
        if marker in command:
            tail = command.split(marker, 1)[1]
            return (marker.strip() + " " + tail)[:70]
    return command[:70]


def _wait_for_health(port: int, process: subprocess.Popen[bytes], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the stack exited with {process.returncode}")
        try:
            if Client(port).get("/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("the stack did not answer /healthz")


def exercise(port: int, token: str, intakes: int) -> None:
    visitor = Client(port)
    for words in SEARCHES:
        visitor.get(f"/help/suggest?q={quote(words)}")
    api = Client(port, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    for number in range(intakes):
        body = {
            "subject": "배송이 너무 늦어요",
            "body": f"주문번호 2026-{number:04d} 상품이 아직 안 왔어요. 환불해 주세요.",
            "customer": {"name": f"메모리 {number}", "email": f"memory{number}@bench.example.org"},
        }
        answer = api.request("POST", "/api/v1/cases", json.dumps(body).encode())
        if answer.status != 201:
            raise SystemExit(f"intake answered {answer.status}: {answer.body[:200]!r}")


def suggestion_latencies(port: int) -> list[float]:
    """Milliseconds per help suggestion for every prefix of ``TYPED``, in the order a customer types them."""
    visitor = Client(port)
    latencies = []
    for phrase in TYPED:
        for end in range(1, len(phrase) + 1):
            if phrase[end - 1] == " ":
                continue
            started = time.perf_counter()
            answer = visitor.get(f"/help/suggest?q={quote(phrase[:end])}")
            latencies.append((time.perf_counter() - started) * 1000)
            if answer.status != 200:
                raise SystemExit(f"suggest answered {answer.status}")
    return latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


Rows = list[tuple[str, int, int]]


def measure(mode: str, extra: dict[str, str], token: str, args: argparse.Namespace) -> tuple[Rows, list[float]]:
    env = bench_env(DATABASE_URL, **extra)
    port = free_port()
    command = [PYTHON, "-m", "soridam.lib.supervisor", str(port), "2", "2", "auto"]
    stack = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_for_health(port, stack)
        latencies = suggestion_latencies(port)
        exercise(port, token, args.intakes)
        time.sleep(args.settle)
        rows = [row for pid in process_tree(stack.pid) if (row := memory_of(pid)) is not None]
    finally:
        os.kill(stack.pid, signal.SIGINT)
        stack.wait(30)
    print(f"{mode}: {len(rows)} processes", file=sys.stderr)  # noqa: T201
    return rows, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--settle", type=float, default=40.0, help="seconds after the intakes before reading")
    parser.add_argument("--intakes", type=int, default=20)
    parser.add_argument("--modes", default="default,dev-venv", help="which of the modes to run, comma-separated")
    args = parser.parse_args()
    ensure_database(DATABASE_URL)
    env = bench_env(DATABASE_URL)
    manage(env, "seed_demo", "--if-empty")
    token = issue_token(env, "admin")
    chosen = args.modes.split(",")
    results = {mode: measure(mode, extra, token, args) for mode, extra in MODES.items() if mode in chosen}
    print(f"\n## Memory of the default stack ({time.strftime('%Y-%m-%d %H:%M')})\n")  # noqa: T201
    summary = [
        [
            mode,
            sum(r[1] for r in rows),
            sum(r[2] for r in rows),
            len(rows),
            len(lat),
            round(percentile(lat, 0.5), 1),
            round(percentile(lat, 0.99), 1),
        ]
        for mode, (rows, lat) in results.items()
    ]
    headers = ["mode", "RSS MiB", "PSS MiB", "processes", "suggestions", "suggest p50 ms", "suggest p99 ms"]
    print(table(headers, summary) + "\n")  # noqa: T201
    for mode, (rows, _latencies) in results.items():
        print(f"### {mode}\n")  # noqa: T201
        body = [[command, rss, pss] for command, rss, pss in sorted(rows, key=lambda row: -row[1])]
        body.append(["**total**", sum(row[1] for row in rows), sum(row[2] for row in rows)])
        print(table(["process", "RSS MiB", "PSS MiB"], body) + "\n")  # noqa: T201
    print(machine_note())  # noqa: T201


if __name__ == "__main__":
    main()
