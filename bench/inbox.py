"""Inbox benchmark at 1,000,000 cases: the first page and a page 200 deep, p95.

    .venv/bin/python bench/inbox.py [--fresh] [--repeat 60]

Fills the PostgreSQL database (DATABASE_URL, default soridam_bench) with the demo and synthetic cases
up to 1M (skipped when they are there; --fresh starts again), serves the app under granian WSGI and
times, for an agent of one team (minji, Delivery) and for the admin:
- the workspace inbox /workspace/ (logged in through the login form, session cookie);
- the API list GET /api/v1/cases (bearer token).
A deep page is reached by following 199 "next" cursors; page 200 is then requested ``--repeat`` times.
Every workspace page carries the capped count of each built-in view (one query, workspace/inbox_views.py);
the views "mine" and "unassigned" are timed too.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402 - after the path tweak above
    DEFAULT_DATABASE_URL,
    DEMO_PASSWORDS,
    Client,
    bench_env,
    count_cases,
    ensure_million,
    issue_token,
    login,
    machine_note,
    ms,
    next_link,
    percentile,
    served,
    table,
)

DEPTH = 200


def timed(client: Client, path: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        answer = client.get(path)
        if answer.status != 200:
            raise SystemExit(f"GET {path} answered {answer.status}")
        times.append(answer.seconds)
    return times


def workspace_page(client: Client, start: str, depth: int) -> str:
    path = start
    for _ in range(depth - 1):
        link = next_link(client.get(path).body)
        if link is None:
            raise SystemExit(f"the inbox {start} has fewer than {depth} pages")
        path = "/workspace/" + link
    return path


def api_page(client: Client, start: str, depth: int) -> str:
    path = start
    for _ in range(depth - 1):
        cursor = client.get(path).json()["next_cursor"]
        if cursor is None:
            raise SystemExit(f"the API list has fewer than {depth} pages")
        path = "/api/v1/cases?" + urlencode({"cursor": cursor})
    return path


def row(what: str, user: str, page: str, times: list[float]) -> list[object]:
    return [what, user, page, len(times), ms(percentile(times, 0.5)), ms(percentile(times, 0.95)), ms(max(times))]


def measure_user(port: int, username: str, token: str, repeat: int) -> list[list[object]]:
    session = login(port, username, DEMO_PASSWORDS[username])
    api = Client(port, headers={"Authorization": f"Bearer {token}"})
    rows = []
    pages: list[tuple[str, Client, str, Callable[[Client, str, int], str]]] = [
        ("workspace /workspace/", session, "/workspace/", workspace_page),
        ("API GET /api/v1/cases", api, "/api/v1/cases", api_page),
    ]
    for what, client, start, deep in pages:
        timed(client, start, 5)  # warm-up
        rows.append(row(what, username, "1", timed(client, start, repeat)))
        rows.append(row(what, username, str(DEPTH), timed(client, deep(client, start, DEPTH), repeat)))
    for extra in ("sort=updated_asc", "sort=created_desc", "view=mine", "view=unassigned"):
        rows.append(row(f"workspace ?{extra}", username, "1", timed(session, f"/workspace/?{extra}", repeat)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--fresh", action="store_true", help="drop the database and generate the 1M cases again")
    parser.add_argument("--repeat", type=int, default=60)
    args = parser.parse_args()

    started = time.perf_counter()
    note = ensure_million(args.database_url, fresh=args.fresh)
    prepared = time.perf_counter() - started
    env = bench_env(args.database_url)
    rows = []
    with served(env, workers=1, threads=1) as port:
        for username in ("minji", "admin"):
            rows += measure_user(port, username, issue_token(env, username), args.repeat)
    print(f"\n## Inbox at {count_cases(args.database_url):,} cases ({time.strftime('%Y-%m-%d')})\n")
    print(f"Data: {note} (prepared in {prepared:.0f} s)\n")
    print(table(["endpoint", "user", "page", "requests", "p50 ms", "p95 ms", "max ms"], rows))
    print(f"\n{machine_note()}")


if __name__ == "__main__":
    main()
