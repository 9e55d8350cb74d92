"""Analytics at scale (issue 17): the dashboard requests, a year's CSV export, and the rollup refresh.

On its own PostgreSQL database (``soridam_bench_analytics``: the analytics tables exist only on this branch's
migrations, and the shared ``soridam_bench`` serves other benchmarks), built like ``inbox.py``'s: the demo
seed topped up with ``generate_cases`` to ``--cases`` (1,000,000 by default), then the first full rollup
build (timed). Then, under granian (one worker, one thread):

- every dashboard request (periods 7/30/90/365 days, filters by team, channel, agent, category) as the admin
  and as an agent, and the staffing page: p50/p95 over ``--repeat`` rounds. With ``--baseline-tree DIR`` (a
  ``git archive`` of the commit to compare with, its ``.venv``, ``var`` and ``node_modules`` linked) both
  trees are served on the same database and each round asks one then the other, so both see the same load;
- the CSV export of one year, read as it streams: rows, bytes, seconds and the server's peak RSS beside its
  RSS before the export (sampled from /proc every 10 ms);
- the refresh after 10,000 new cases opened today, as a live desk's are (``generate_cases --today``), then
  after 10,000 more spread over two years (every day's rollups summed again): ``analytics_refresh`` each time.

An existing database is reused as it is (topped up to ``--cases`` if short); each run adds 20,000 cases.

Synthetic cases carry one customer message and no replies, so their first-response figures are empty; the
queries run all the same (the rollup rows and the histogram table are read whatever they hold).
"""

from __future__ import annotations

import argparse
import os
import re
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlencode

from common import (
    DEMO_PASSWORDS,
    MILLION,
    ROOT,
    bench_env,
    count_cases,
    ensure_million,
    login,
    machine_note,
    manage,
    ms,
    percentile,
    served,
    sql_value,
    table,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/soridam_bench_analytics"
PAGES = [
    ("7 days", "/workspace/analytics/?days=7"),
    ("30 days", "/workspace/analytics/?days=30"),
    ("90 days", "/workspace/analytics/?days=90"),
    ("365 days", "/workspace/analytics/?days=365"),
    ("365 days, team", "/workspace/analytics/?days=365&team={team}"),
    ("365 days, channel", "/workspace/analytics/?days=365&channel=kakao"),
    ("365 days, team + channel", "/workspace/analytics/?days=365&team={team}&channel=web"),
    ("365 days, category", "/workspace/analytics/?days=365&category={category}"),
    ("365 days, agent", "/workspace/analytics/?days=365&agent={agent}"),
    ("staffing", "/workspace/analytics/staffing/"),
]


def timed_pages(ports: dict[str, int], username: str, ids: dict[str, int], repeat: int) -> list[list[object]]:
    """Each page ``repeat`` times on every served tree, the trees taking turns within each round."""
    clients = {tree: login(port, username, DEMO_PASSWORDS[username]) for tree, port in ports.items()}
    rows = []
    for name, template in PAGES:
        if "agent" in template and username != "admin":
            continue
        path = template.format(**ids)
        times: dict[str, list[float]] = {tree: [] for tree in ports}
        for client in clients.values():
            client.get(path)  # warm: the first request of a worker loads templates and the forecast cache
        for _ in range(repeat):
            for tree, client in clients.items():
                started = time.perf_counter()
                answer = client.get(path)
                times[tree].append(time.perf_counter() - started)
                if answer.status != 200:
                    raise SystemExit(f"{path} answered {answer.status} ({tree})")
        for tree, taken in times.items():
            row = [ms(percentile(taken, 0.5)), ms(percentile(taken, 0.95)), ms(max(taken))]
            rows.append([name, username, tree, repeat, *row])
    return rows


def rss_kib(pid: int) -> int:
    text = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+)", text)
    return int(match.group(1)) if match else 0


def server_pids() -> list[int]:
    """granian's worker processes (children of the served group): the ones that hold the response."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"granian" in command and b"soridam.wsgi" in command:
                pids.append(int(entry.name))
    return pids


def export_year(port: int) -> list[object]:
    client = login(port, "admin", DEMO_PASSWORDS["admin"])
    pids = server_pids()
    before = max(rss_kib(pid) for pid in pids)
    peak = [before]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], *(rss_kib(pid) for pid in pids))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    dashboard = client.get("/workspace/analytics/?days=365")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', dashboard.body)
    if token is None:
        raise SystemExit("no CSRF token on the dashboard")
    form = urlencode({"reason": "benchmark", "csrfmiddlewaretoken": token.group(1).decode()}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{port}/"}
    started = time.perf_counter()
    answer = client.request("POST", "/workspace/analytics/export.csv?days=365", form, headers)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if answer.status != 200:
        raise SystemExit(f"the export answered {answer.status}")
    lines = answer.body.count(b"\n") - 1
    return [
        f"{lines:,}",
        f"{len(answer.body) / 1e6:.1f} MB",
        f"{seconds:.2f}",
        f"{before / 1024:.0f}",
        f"{peak[0] / 1024:.0f}",
    ]


def ids(database_url: str) -> dict[str, int]:
    return {
        "team": sql_value(database_url, "SELECT id FROM accounts_team WHERE slug = 'delivery'"),
        "category": sql_value(database_url, "SELECT id FROM cases_category WHERE slug = 'delivery'"),
        "agent": sql_value(database_url, "SELECT id FROM accounts_user WHERE username = 'minji'"),
    }


def refreshed_after(env: dict[str, str], *generate: str) -> str:
    """Add 10,000 cases, then time the refresh that brings the facts and rollups up to date with them."""
    added = manage(env, "generate_cases", "10000", "--batch", "10000", *generate).strip()
    load = os.getloadavg()[0]
    return f"{manage(env, 'analytics_refresh').strip()} (load {load:.1f}; {added.split(' in ')[0]})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_ANALYTICS_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--cases", type=int, default=MILLION)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--baseline-tree", type=Path, help="another source tree to serve and compare with")
    args = parser.parse_args()

    note = ensure_million(args.database_url, fresh=args.fresh, target=args.cases)
    env = bench_env(
        args.database_url, SORIDAM_REQUIRE_2FA="false"
    )  # the demo's admin has no second factor, as in `make run`
    build = manage(env, "analytics_refresh").strip()
    manage(env, "analytics_refresh")  # the unsettled facts' recheck is not due yet: a no-op run
    total = count_cases(args.database_url)
    rollup_rows = sql_value(args.database_url, "SELECT count(*) FROM analytics_dailyrollup")
    trees = {"this": ROOT} | ({"baseline": args.baseline_tree.resolve()} if args.baseline_tree else {})
    rows = []
    with ExitStack() as stack:
        ports = {
            name: stack.enter_context(served(env, workers=1, threads=1, tree=tree)) for name, tree in trees.items()
        }
        for username in ("admin", "minji"):
            rows += timed_pages(ports, username, ids(args.database_url), args.repeat)
        export = export_year(ports["this"])
    today = refreshed_after(env, "--today")
    spread = refreshed_after(env)

    print(f"\n## Analytics at {total:,} cases ({time.strftime('%Y-%m-%d')})\n")
    print(f"Data: {note}. First build: {build} Rollup rows: {rollup_rows:,}.\n")
    print(table(["page", "user", "tree", "requests", "p50 ms", "p95 ms", "max ms"], rows))
    print("\nCSV export of one year (admin, streamed):\n")
    print(table(["rows", "size", "seconds", "server RSS before MiB", "server peak RSS MiB"], [export]))
    print(f"\nRefresh after 10,000 new cases opened today: {today}")
    print(f"Refresh after 10,000 new cases spread over two years: {spread}")
    print(f"\n{machine_note()}")


if __name__ == "__main__":
    main()
