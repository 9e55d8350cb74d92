"""Case page CPU per request, in process: the workspace case page's queries and ``time.process_time()``.

    .venv/bin/python bench/case_page_cpu.py [--cases 20] [--rounds 3] [--pairs 3] [--baseline-tree DIR] [--profile]

On a crowded machine wall-clock percentiles measure the scheduler; the CPU a request takes in its own process
does not. Each run is a fresh process that serves the page, and its 360 panel (loaded after it), through Django's
test client (middleware, session, access log and template included) for the minji (agent) and admin users,
``--rounds`` times over the open Delivery cases that ``bench/case_page.py`` topped up (the first round is a
warm-up and not counted). With
``--baseline-tree`` the baseline's code runs in its own processes, alternating with this tree's, ``--pairs``
times, against the same database. ``--profile`` prints this tree's hottest functions (cProfile, cumulative).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DEFAULT_DATABASE_URL, DEMO_PASSWORDS, PYTHON, ROOT, bench_env, machine_note, table  # noqa: E402 - path tweak

USERS = ("minji", "admin")


def chosen_cases(database_url: str, count: int) -> list[int]:
    """The cases bench/case_page.py chose: open Delivery cases with the most messages."""
    import psycopg

    sql = """
        SELECT c.id FROM cases_case c JOIN accounts_team t ON t.id = c.team_id
        LEFT JOIN cases_message m ON m.case_id = c.id
        WHERE t.slug = 'delivery' AND c.status = 'open'
        GROUP BY c.id ORDER BY count(m.id) DESC, c.id DESC LIMIT %s
    """
    with psycopg.connect(database_url, autocommit=True) as connection:
        return [row[0] for row in connection.execute(sql, [count]).fetchall()]


def serve_in_process(tree: Path, case_ids: list[int], rounds: int, profile: bool) -> dict[str, dict[str, float]]:
    """Runs inside the measured process, with ``tree`` first on the path."""
    os.chdir(tree)
    sys.path.insert(0, str(tree))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soridam.settings")
    import django

    django.setup()
    from django.test import Client

    results = {}
    for username in USERS:
        client = Client(HTTP_HOST="127.0.0.1")
        # The real sign-in form: an admin's session must also say how they signed in (two_factor.py).
        answer = client.post("/workspace/login/", {"username": username, "password": DEMO_PASSWORDS[username]})
        if answer.status_code != 302:
            raise SystemExit(f"signing in as {username} answered {answer.status_code}")
        pages = [f"/workspace/cases/{case_id}/" for case_id in case_ids]
        results[username] = measured(client, pages, rounds, profile=profile and username == "minji")
        # The 360 panel loads after the page since issue 13 §3 (htmx): its CPU is the page's too. A baseline
        # from before has it inside the page and answers 404 here.
        panels = [f"/workspace/cases/{case_id}/customer/" for case_id in case_ids]
        if client.get(panels[0]).status_code != 404:
            panel = measured(client, panels, rounds, profile=False)
            results[username] |= {f"panel_{key}": value for key, value in panel.items()}
    return results


def measured(client: Any, paths: list[str], rounds: int, *, profile: bool) -> dict[str, float]:
    """Statements of the first path, then CPU per GET over ``rounds`` rounds after a warm-up round."""
    from django.db import connection

    for path in paths:  # warm-up: templates, translations, per-process copies
        client.get(path)
    queries = statements_of(connection, client, paths[0], show=profile)
    cpu = []
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
    for _ in range(rounds):
        for path in paths:
            started = time.process_time()
            response = client.get(path)
            cpu.append(time.process_time() - started)
            if response.status_code != 200:
                raise SystemExit(f"GET {path} answered {response.status_code}")
    if profiler is not None:
        import pstats

        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative")
        stats.print_stats(60)
        stats.print_stats("/soridam/", 80)
    return {"queries": queries, "p50": statistics.median(cpu) * 1000, "mean": statistics.fmean(cpu) * 1000}


def statements_of(connection: Any, client: Any, path: str, *, show: bool) -> int:
    """Not CaptureQueriesContext: the request_started signal empties the connection's query log."""
    statements: list[str] = []

    def counted(execute: Any, sql: str, *rest: Any) -> Any:
        statements.append(sql)
        return execute(sql, *rest)

    with connection.execute_wrapper(counted):
        client.get(path)
    if show:
        print("\n".join(sql[:300] for sql in statements), file=sys.stderr)
    return len(statements)


def run_tree(tree: Path, database_url: str, case_ids: list[int], rounds: int, profile: bool) -> dict[str, dict]:
    command = [PYTHON, str(Path(__file__).resolve()), "--worker", str(tree), "--database-url", database_url]
    command += ["--rounds", str(rounds), "--ids", ",".join(map(str, case_ids))]
    if profile:
        command.append("--profile")
    result = subprocess.run(
        command, cwd=tree, env=bench_env(database_url, SORIDAM_REQUIRE_2FA="false"), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"{tree}: {result.stderr[-3000:]}")
    if profile:
        print(result.stderr, file=sys.stderr)
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def summary_row(username: str, name: str, by_user: list[dict[str, float]]) -> list[object]:
    """One user and tree over its runs; a tree whose page holds the 360 panel shows "in the page" for it."""
    mean = statistics.fmean(result["mean"] for result in by_user)
    row: list[object] = [username, name, by_user[0]["queries"], " / ".join(f"{r['p50']:.1f}" for r in by_user)]
    row.append(f"{mean:.1f}")
    if "panel_mean" not in by_user[0]:
        return [*row, "in the page", "in the page", f"{mean:.1f}"]
    panel = statistics.fmean(result["panel_mean"] for result in by_user)
    return [*row, by_user[0]["panel_queries"], f"{panel:.1f}", f"{mean + panel:.1f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--baseline-tree", type=Path)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--ids", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        ids = [int(value) for value in args.ids.split(",")]
        print(json.dumps(serve_in_process(args.worker, ids, args.rounds, args.profile)))
        return

    case_ids = chosen_cases(args.database_url, args.cases)
    trees = {"this tree": ROOT}
    if args.baseline_tree:
        trees = {"baseline": args.baseline_tree.resolve(), "this tree": ROOT}
    runs: dict[str, list[dict]] = {name: [] for name in trees}
    load_before = os.getloadavg()[0]
    for pair in range(args.pairs):
        order = list(trees) if pair % 2 == 0 else list(trees)[::-1]
        for name in order:
            profile = args.profile and name == "this tree" and pair == 0
            runs[name].append(run_tree(trees[name], args.database_url, case_ids, args.rounds, profile))
    rows = []
    for username in USERS:
        for name, results in runs.items():
            rows.append(summary_row(username, name, [result[username] for result in results]))
    when = time.strftime("%Y-%m-%d %H:%M")
    print(f"\n## Case page CPU in process, {len(case_ids)} cases × {args.rounds} rounds ({when})\n")
    headers = ["user", "tree", "queries", "CPU p50 ms per run", "CPU mean ms"]
    headers += ["panel queries", "panel CPU mean ms", "page + panel CPU mean ms"]
    print(table(headers, rows))
    print(f"\n{machine_note()}; load {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
