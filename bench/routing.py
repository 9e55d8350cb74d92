"""Routing benchmark: several worker processes assign one pool of cases at once on PostgreSQL.

    .venv/bin/python bench/routing.py [--cases 2000] [--agents 20] [--processes 1 2 4] [--batch 50]

Uses its own database (default soridam_routing_bench, created anew each run). For each process count
it fills a team's pool, puts the agents online, and lets the processes call ``soridam.routing.assignment.route``
on shares of the pool (with two or more, each case is offered by two processes, so assignments race). It
reports cases routed per second, then checks what matters: no agent over capacity, no case assigned twice.
``--batch N`` routes each process's share N cases at a time with ``route_many`` instead, as the task
worker does with a batch of ``route_case`` rows.
Two scenarios: room for every case, and capacity for only half of them.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import bench_env, ensure_database, machine_note, table  # noqa: E402 - after the path tweak above

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/soridam_routing_bench"


def _django(database_url: str) -> None:
    os.environ.update(bench_env(database_url, DB_CONN_MAX_AGE="0"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soridam.settings")
    import django

    django.setup()


def _prepare(cases: int, agents: int, capacity: int) -> list[int]:
    from django.utils import timezone

    from soridam.accounts.models import Membership, Role, Team, User
    from soridam.cases.models import Case, TimelineEvent
    from soridam.customers.models import Customer
    from soridam.routing.models import AgentState, Presence, TeamRouting

    TimelineEvent.objects.all().delete()
    Case.objects.all().delete()
    team, _created = Team.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    TeamRouting.objects.update_or_create(team=team, defaults={"strategy": "least_load"})
    for number in range(agents):
        user, _created = User.objects.get_or_create(username=f"bench{number}", defaults={"role": Role.AGENT})
        Membership.objects.get_or_create(user=user, team=team)
        AgentState.objects.update_or_create(
            agent=user, defaults={"presence": Presence.ONLINE, "default_capacity": capacity}
        )
    customer, _created = Customer.objects.get_or_create(name="Bench", email="bench@example.kr")
    now = timezone.now()
    stamp = int(now.timestamp() * 1000)
    made = Case.objects.bulk_create(
        Case(
            reference=f"B{stamp % 10**9}-{i:06d}",
            subject="Where is my parcel?",
            customer=customer,
            team=team,
            tracking_token=f"bench-{stamp}-{i:06d}-routing",
            created_at=now,
            updated_at=now,
        )
        for i in range(cases)
    )
    return [case.pk for case in made]


def _work(database_url: str, ids: list[int], batch: int) -> None:
    _django(database_url)
    from soridam.routing import assignment

    if batch:
        for start in range(0, len(ids), batch):
            assignment.route_many(ids[start : start + batch])
        return
    for case_id in ids:
        assignment.route(case_id)


def _check(capacity: int) -> tuple[int, int, int]:
    from django.db.models import Count

    from soridam.cases.models import Case, TimelineEvent

    assigned = Case.objects.exclude(assignee=None).count()
    loads = Case.objects.exclude(assignee=None).values("assignee_id").annotate(n=Count("id"))
    over = sum(1 for row in loads if row["n"] > capacity)
    twice = (
        TimelineEvent.objects.filter(kind="assigned").values("case_id").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    return assigned, over, twice


def run(database_url: str, cases: int, agents: int, capacity: int, processes: int, batch: int = 0) -> list[object]:
    ids = _prepare(cases, agents, capacity)
    # With two or more processes every case is offered by two of them, so assignments really race.
    half = max(processes // 2, 1)
    shares = [ids[i % half :: half] for i in range(processes)] if processes > 1 else [ids]
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_work, args=(database_url, share, batch)) for share in shares]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    assigned, over, twice = _check(capacity)
    return [len(workers), f"{agents}×{capacity}", cases, assigned, f"{cases / seconds:.0f}", over, twice]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("ROUTING_BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--batch", type=int, default=0, help="route_many this many cases at a time (0: route)")
    args = parser.parse_args()
    ensure_database(args.database_url, fresh=True)
    _django(args.database_url)
    rows = []
    for processes in args.processes:
        for capacity in (args.cases // args.agents * 2, args.cases // args.agents // 2):
            rows.append(run(args.database_url, args.cases, args.agents, capacity, processes, args.batch))
    print(machine_note())
    headers = [
        "processes",
        "agents × capacity",
        "cases",
        "assigned",
        "cases/s",
        "agents over capacity",
        "assigned twice",
    ]
    print(table(headers, rows))


if __name__ == "__main__":
    main()
