"""``generate_cases``: cases/s and how varied its texts are, against the previous generator in the same run.

    .venv/bin/python bench/generate.py [--cases 200000] [--sqlite-cases 200000] [--rounds 2] [--reindex-cases 10000]

The previous generator (40 ready-made complaints per language and category, the priority drawn apart from
the text) is not kept in the project: each run loads ``soridam/demo/synthetic.py`` as it was at
``LEGACY_COMMIT`` from git into a module of its own. Rounds alternate previous and new on PostgreSQL (its own
database, ``soridam_bench_gencases``) and on SQLite (``var/bench_gencases.sqlite3``); each run starts from
empty case tables, in a process of its own, and the load average is printed beside it (the machine is
shared). Distinct shares are counted over the stored rows; "without digits" ignores order numbers,
amounts and dates, so it counts variety of wording. Then ``manage.py reindex --kind case`` over
``--reindex-cases`` cases of each generator (indexing analyses each distinct text once, so repeated
texts made the old figure look cheap).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import types
from collections import Counter
from pathlib import Path
from statistics import median

# A worker for a baseline runs this script with the baseline tree first on the path (its soridam, its schema).
sys.path.insert(0, os.environ.get("BENCH_SOURCE_TREE") or str(Path(__file__).resolve().parent.parent))

from bench.common import PYTHON, ROOT, bench_env, ensure_database, machine_note, manage, table  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/soridam_bench_gencases"
SQLITE_URL = f"sqlite:///{ROOT / 'var' / 'bench_gencases.sqlite3'}"
# The last commit with the previous generator (1,321 distinct bodies per 100k cases).
LEGACY_COMMIT = "582cd51"
DIGITS = re.compile(r"\d+")


def legacy_module() -> types.ModuleType:
    """soridam/demo/synthetic.py as it was at LEGACY_COMMIT, imported under another name."""
    source = subprocess.run(
        ["git", "show", f"{LEGACY_COMMIT}:soridam/demo/synthetic.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("legacy_synthetic")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, "legacy_synthetic.py", "exec"), module.__dict__)  # noqa: S102 - our own history
    module.bulkload = legacy_bulkload()
    return module


def legacy_bulkload() -> types.SimpleNamespace:
    """The two ``bulkload`` calls the legacy generator makes. Its ``write_rows`` is now ``encode_rows`` and
    ``copy_encoded`` on PostgreSQL (one batch encoded, then sent: no longer streamed) and ``insert_rows`` on
    SQLite."""
    from django.db import connection

    from soridam.demo import bulkload

    def write_rows(model: type, columns: list[str], rows: list[tuple[object, ...]]) -> None:
        if connection.vendor == "postgresql":
            bulkload.copy_encoded(model, columns, bulkload.encode_rows(model, columns, rows))
        else:
            bulkload.insert_rows(model, columns, rows)

    return types.SimpleNamespace(write_rows=write_rows, indexes_built_after=bulkload.indexes_built_after)


def empty_cases() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE cases_message, cases_case CASCADE")
        else:
            cursor.execute("DELETE FROM cases_message")
            cursor.execute("DELETE FROM cases_case")


def server_cpu_seconds() -> float:
    """CPU time of this connection's PostgreSQL backend (local server, from /proc; parallel index-build workers
    are other processes and not counted): with the load average at 10-30, wall time says more about the other
    sessions than about the generator, CPU time much less."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    """CPU time of this process's finished children: the generator's producer process, once it is joined."""
    times = os.times()
    return times.children_user + times.children_system


def texts_report(count: int) -> dict[str, object]:
    from soridam.cases.models import Case, Message

    bodies = list(Message.objects.values_list("body", flat=True))
    subjects = list(Case.objects.values_list("subject", flat=True))
    priorities = Counter(Case.objects.values_list("priority", flat=True))
    return {
        "bodies": len(set(bodies)) / count,
        "bodies_no_digits": len({DIGITS.sub("", body) for body in bodies}) / count,
        "subjects": len(set(subjects)) / count,
        "priorities": {name: share / count for name, share in priorities.items()},
        "mean_body_chars": sum(map(len, bodies)) / count,
    }


def worker(mode: str, count: int) -> None:
    """One run in this process: empty the case tables, generate, report as JSON on the last line."""
    import django

    django.setup()
    empty_cases()
    load = os.getloadavg()[0]
    server_before, python_before, children_before = server_cpu_seconds(), time.process_time(), children_cpu()
    if mode == "legacy":
        generated = legacy_module().generate_cases(count, batch=10000)
    else:
        from soridam.demo.synthetic import generate_cases

        generated = generate_cases(count, batch=10000)
    result = {
        "mode": mode,
        "count": generated.count,
        "seconds": generated.seconds,
        "index_seconds": getattr(generated, "index_seconds", None),
        "load": load,
        "load_after": os.getloadavg()[0],
        "python_cpu": time.process_time() - python_before,
        "producer_cpu": children_cpu() - children_before,
        "server_cpu": server_cpu_seconds() - server_before,
        **texts_report(generated.count),
    }
    print(json.dumps(result))


def reindex_worker() -> None:
    """Time what ``manage.py reindex --kind case`` runs, once Kiwi is loaded (its load is a fixed cost)."""
    import django

    django.setup()
    from soridam.search.analysis import document_keys
    from soridam.search.bulk import reindex_cases

    document_keys("배송 조회가 안 돼요 refund", full=False)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    count = reindex_cases()
    print(json.dumps({"count": count, "seconds": time.perf_counter() - started, "load": load}))


def run(url: str, mode: str, count: int, tree: Path = ROOT) -> dict[str, object]:
    """One worker run in a process of its own; ``tree`` is the source tree it imports (a baseline's, for A/B)."""
    env = bench_env(url, DJANGO_SETTINGS_MODULE="soridam.settings", BENCH_SOURCE_TREE=str(tree))
    command = [PYTHON, __file__, "--worker", mode, "--cases", str(count)]
    result = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{mode} on {url} failed:\n{result.stdout}\n{result.stderr}")
    report: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


def run_baseline(tree: Path, url: str, count: int) -> dict[str, object]:
    """The generator of another source tree (its schema too: its database is migrated from that tree)."""
    report = run(url, "new", count, tree=tree)
    report["mode"] = "baseline"
    return report


def reindex(url: str, mode: str, count: int) -> list[object]:
    generated = run(url, mode, count)
    timed = run(url, "reindex", count)
    seconds, load = float(timed["seconds"]), timed["load"]  # type: ignore[arg-type]
    per_case = seconds / count
    return [
        mode,
        f"{count:,}",
        f"{generated['bodies']:.1%}",
        f"{seconds:.1f} s",
        f"{per_case * 1000:.2f} ms",
        f"{per_case * 100_000 / 60:.1f} min",
        f"{load:.1f}",
    ]


def ab_round(
    tree: Path, baseline_url: str, url: str, count: int, *, baseline_first: bool
) -> list[tuple[str, dict[str, object]]]:
    """The baseline tree's generator and this one, one after the other (which goes first alternates)."""
    pair = [("baseline", baseline_url), ("new", url)]
    results = []
    for mode, database in pair if baseline_first else pair[::-1]:
        report = run_baseline(tree, database, count) if mode == "baseline" else run(database, mode, count)
        results.append(("PostgreSQL", report))
    return results


def speed_rows(results: list[tuple[str, dict[str, object]]]) -> list[list[object]]:
    rows: list[list[object]] = []
    for database, result in results:
        index = result["index_seconds"]
        seconds = float(result["seconds"])  # type: ignore[arg-type]
        python_cpu, server_cpu = result.get("python_cpu"), result.get("server_cpu")
        producer_cpu = result.get("producer_cpu")
        rows.append(
            [
                database,
                result["mode"],
                f"{result['count']:,}",
                f"{seconds:.1f} s",
                "-" if index is None else f"{index:.1f} s",
                f"{int(result['count']) / seconds:,.0f}",  # type: ignore[call-overload]
                "-" if python_cpu is None else f"{python_cpu:.1f} s",
                "-" if producer_cpu is None else f"{producer_cpu:.1f} s",
                "-" if server_cpu is None else f"{server_cpu:.1f} s",
                f"{result['load']:.1f} → {result.get('load_after', 0):.1f}",
            ]
        )
    return rows


def median_rows(results: list[tuple[str, dict[str, object]]]) -> list[list[object]]:
    rows = []
    for database in dict.fromkeys(database for database, _ in results):
        for mode in ("legacy", "baseline", "new"):
            rates = [
                int(r["count"]) / float(r["seconds"])  # type: ignore[call-overload, arg-type]
                for d, r in results
                if d == database and r["mode"] == mode
            ]
            if rates:
                rows.append([database, mode, len(rates), f"{median(rates):,.0f}"])
    return rows


def text_rows(results: list[tuple[str, dict[str, object]]]) -> list[list[object]]:
    seen: dict[str, dict[str, object]] = {}
    for _database, result in results:
        seen.setdefault(str(result["mode"]), result)
    rows = []
    for mode, result in seen.items():
        shares: dict[str, float] = result["priorities"]  # type: ignore[assignment]
        priorities = " / ".join(f"{shares.get(name, 0):.0%}" for name in ("low", "normal", "high", "urgent"))
        rows.append(
            [
                mode,
                f"{result['count']:,}",
                f"{result['bodies']:.1%}",
                f"{result['bodies_no_digits']:.1%}",
                f"{result['subjects']:.1%}",
                f"{result['mean_body_chars']:.0f}",
                priorities,
            ]
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_GENCASES_URL", DEFAULT_URL))
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--sqlite-cases", type=int, default=200_000, help="0 skips SQLite")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--reindex-cases", type=int, default=10_000, help="0 skips the indexing comparison")
    parser.add_argument(
        "--baseline-tree",
        type=Path,
        help="compare with this source tree's generator and schema (PostgreSQL only) instead of the legacy one",
    )
    parser.add_argument(
        "--baseline-database-url",
        default="postgres://postgres@127.0.0.1:5432/soridam_bench_gencases_baseline",
        help="the baseline tree's own database (migrated from that tree)",
    )
    parser.add_argument("--worker", choices=["legacy", "new", "reindex"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "reindex":
        reindex_worker()
    elif args.worker:
        worker(args.worker, args.cases)
    if args.worker:
        return
    print(machine_note())
    ensure_database(args.database_url)
    databases = [("PostgreSQL", args.database_url, args.cases)]
    if args.sqlite_cases:
        manage(bench_env(SQLITE_URL), "migrate", "--noinput", "-v", "0")
        databases.append(("SQLite", SQLITE_URL, args.sqlite_cases))
    results = []
    if args.baseline_tree:
        ensure_database(args.baseline_database_url, tree=args.baseline_tree)
    for round_ in range(args.rounds):
        for name, url, count in databases:
            if args.baseline_tree and name == "PostgreSQL":
                results += ab_round(
                    args.baseline_tree, args.baseline_database_url, url, count, baseline_first=round_ % 2 == 0
                )
                continue
            for mode in ("legacy", "new"):
                results.append((name, run(url, mode, count)))
    print("\n### generate_cases, each run into empty case tables\n")
    headers = ["database", "generator", "cases", "time", "of it indexes", "cases/s", "Python CPU", "producer CPU"]
    headers += ["server CPU", "load"]
    print(table(headers, speed_rows(results)))
    print()
    print(table(["database", "generator", "runs", "median cases/s"], median_rows(results)))
    print("\n### The texts (first run of each generator)\n")
    headers = ["generator", "cases", "distinct bodies", "without digits", "distinct subjects", "body chars"]
    print(table([*headers, "low / normal / high / urgent"], text_rows(results)))
    if args.reindex_cases:
        print(f"\n### Case indexing (reindex_cases, as `reindex --kind case`) over {args.reindex_cases:,} cases\n")
        rows = [reindex(args.database_url, mode, args.reindex_cases) for mode in ("legacy", "new")]
        headers = ["generator", "cases", "distinct bodies", "reindex", "per case", "100k extrapolated", "load"]
        print(table(headers, rows))


if __name__ == "__main__":
    main()
