"""First request to a freshly started web worker, without and with the start-up warm-up (soridam/warmup.py).

    .venv/bin/python bench/first_request.py [--repeat 2] [--settle 15]

On its own PostgreSQL database ``soridam_bench_warmup`` (the demo seed, 60 cases), each run starts granian
with one worker, waits until it listens and then ``--settle`` seconds more (the worker has imported the app,
and warmed up when warming is on), and times the worker's very first request: ``/help/suggest?q=환불`` on one
server, and on another the workspace login page followed by a case page (the login page is that worker's first
request; the case page is the first page that searches, for its suggested articles). ``SORIDAM_WARMUP=false``
is the cold path as it was; the shared cache is cleared before each start, so no answer comes from a cache.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402 - after the path tweak above
    DEMO_PASSWORDS,
    GRANIAN,
    ROOT,
    Client,
    bench_env,
    ensure_database,
    free_port,
    login,
    machine_note,
    manage,
    ms,
    sql_value,
    table,
)

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/soridam_bench_warmup"
SUGGEST = "/help/suggest?q=%ED%99%98%EB%B6%88"  # 환불


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def fresh_worker(env: dict[str, str], settle: float) -> Iterator[int]:
    """One granian worker that has served nothing yet; no readiness probe, which would be its first request."""
    manage(env, "shell", "-c", "from django.core.cache import cache; cache.clear()")
    port = free_port()
    command = [GRANIAN, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    command += ["--log-level", "warning", "soridam.wsgi:application"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while not _listening(port):
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("granian did not start")
            time.sleep(0.1)
        time.sleep(settle)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(15)


def first_suggestion(env: dict[str, str], settle: float) -> float:
    with fresh_worker(env, settle) as port:
        answer = Client(port).get(SUGGEST)
    if answer.status != 200 or b"/help/articles/" not in answer.body:
        raise SystemExit(f"/help/suggest answered {answer.status} without articles")
    return answer.seconds


def first_workspace(env: dict[str, str], settle: float, case_id: int) -> tuple[float, float]:
    with fresh_worker(env, settle) as port:
        started = time.perf_counter()
        client = login(port, "minji", DEMO_PASSWORDS["minji"])
        signed_in = time.perf_counter() - started
        page = client.get(f"/workspace/cases/{case_id}/")
    if page.status != 200:
        raise SystemExit(f"the case page answered {page.status}")
    return signed_in, page.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_WARMUP_DATABASE_URL", DATABASE_URL))
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--settle", type=float, default=15.0, help="seconds between listening and the request")
    options = parser.parse_args()
    ensure_database(options.database_url)
    manage(bench_env(options.database_url), "seed_demo", "--if-empty", "--cases", "60")
    case_id = sql_value(
        options.database_url,
        "SELECT min(c.id) FROM cases_case c JOIN accounts_team t ON t.id = c.team_id WHERE t.slug = 'delivery'",
    )
    rows = []
    for mode, warm in (("cold (SORIDAM_WARMUP=false)", "false"), ("warmed at start", "true")):
        env = bench_env(options.database_url, SORIDAM_WARMUP=warm)
        suggestions = [first_suggestion(env, options.settle) for _ in range(options.repeat)]
        workspace = [first_workspace(env, options.settle, case_id) for _ in range(options.repeat)]
        logins, pages = [w[0] for w in workspace], [w[1] for w in workspace]
        rows.append([mode, *(f"{ms(median(values))} / {ms(max(values))}" for values in (suggestions, logins, pages))])
    headers = ["worker", "first /help/suggest?q=환불", "first: login page + sign-in", "then a case page"]
    print(f"First request to a new worker, ms (median / max of {options.repeat}); {machine_note()}\n")  # noqa: T201
    print(table(headers, rows))  # noqa: T201


if __name__ == "__main__":
    main()
