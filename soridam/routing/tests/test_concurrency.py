"""Eight assigners at once on PostgreSQL: nobody over capacity, no case given twice."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections
from django.db.models import Count

from soridam.accounts.models import Team
from soridam.cases.models import Case, TimelineEvent
from soridam.routing import assignment
from soridam.routing.models import Strategy
from soridam.routing.tests.conftest import MakeAgents, set_strategy

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("strategy", [Strategy.ROUND_ROBIN, Strategy.LEAST_LOAD])
def test_eight_concurrent_assigners_respect_capacity(
    strategy: str, teams: dict[str, Team], make_agents: MakeAgents, pool_cases: Callable[..., list[Case]]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are what is under test; SQLite serialises writers anyway")
    agents = make_agents(4, capacity=3)
    set_strategy(teams["delivery"], strategy)
    ids = [case.pk for case in pool_cases(40)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def work(share: list[int]) -> None:
        try:
            barrier.wait()
            for case_id in share:
                assignment.route(case_id)
                # Two workers offering the pool to the same agents at the same time, too.
                assignment.fill_capacity(agents[case_id % 4].pk)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    # Every case is routed by two threads, so each assignment races with another.
    threads = [threading.Thread(target=work, args=(ids[i % 4 :: 4],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    loads = dict(Case.objects.exclude(assignee=None).values_list("assignee_id").annotate(n=Count("id")))
    assert loads == {agent.pk: 3 for agent in agents}
    twice = TimelineEvent.objects.filter(kind="assigned").values("case_id").annotate(n=Count("id")).filter(n__gt=1)
    assert not twice.exists()
