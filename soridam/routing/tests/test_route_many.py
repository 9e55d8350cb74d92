"""Routing a pool in one pass (``assignment.route_many``, the worker's batch of ``route_case``)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection, connections
from django.db.models import Count

from soridam.accounts.models import Team
from soridam.cases.models import ACTIVE_STATUSES, Case, EventKind, TimelineEvent
from soridam.routing import assignment
from soridam.routing.models import Strategy
from soridam.routing.tests.conftest import MakeAgents, set_strategy, speaks


def _loads() -> dict[int | None, int]:
    rows = Case.objects.filter(status__in=ACTIVE_STATUSES).values_list("assignee_id").annotate(n=Count("id"))
    return dict(rows)


@pytest.mark.django_db
def test_one_pass_fills_every_agent_to_capacity_and_leaves_the_rest_in_the_pool(
    teams: dict[str, Team], make_agents: MakeAgents, pool_cases: Callable[..., list[Case]]
) -> None:
    agents = make_agents(3, capacity=4)
    set_strategy(teams["delivery"], Strategy.LEAST_LOAD)
    ids = [case.pk for case in pool_cases(15)]

    outcome = assignment.route_many([*ids, ids[0]])

    assert Counter(outcome.values()) == {agents[0].username: 4, agents[1].username: 4, agents[2].username: 4, "pool": 3}
    assert _loads() == {agents[0].pk: 4, agents[1].pk: 4, agents[2].pk: 4, None: 3}
    assigned = TimelineEvent.objects.filter(kind=EventKind.ASSIGNED).values_list("case_id", flat=True)
    assert sorted(assigned) == sorted(pk for pk, result in outcome.items() if result != "pool")  # one entry each
    assert set(assignment.route_many(ids).values()) == {"skipped", "pool"}  # again: nothing moves


@pytest.mark.django_db
def test_one_pass_keeps_round_robin_turns_and_language_skills(
    teams: dict[str, Team], make_agents: MakeAgents, pool_cases: Callable[..., list[Case]]
) -> None:
    korean, bilingual = make_agents(2, capacity=10)
    speaks(korean, "ko")
    speaks(bilingual, "en", "ko")
    set_strategy(teams["delivery"], Strategy.ROUND_ROBIN)
    english = [case.pk for case in pool_cases(3, language="en")]
    korean_cases = [case.pk for case in pool_cases(4)]

    outcome = assignment.route_many(english + korean_cases)

    assert {outcome[pk] for pk in english} == {bilingual.username}
    assert Counter(outcome[pk] for pk in korean_cases) == {korean.username: 2, bilingual.username: 2}


@pytest.mark.django_db(transaction=True)
def test_four_concurrent_passes_never_overfill_an_agent_or_assign_a_case_twice(
    teams: dict[str, Team], make_agents: MakeAgents, pool_cases: Callable[..., list[Case]]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are what is under test; SQLite serialises writers anyway")
    agents = make_agents(4, capacity=5)
    set_strategy(teams["delivery"], Strategy.LEAST_LOAD)
    ids = [case.pk for case in pool_cases(60)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def work(share: list[int]) -> None:
        try:
            barrier.wait()
            for start in range(0, len(share), 10):
                assignment.route_many(share[start : start + 10])
                assignment.route(share[start])  # a single route_case beside the batches
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(ids[n::4] + ids[: 10 * n],)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert _loads() == {**{agent.pk: 5 for agent in agents}, None: 40}
    assigned = Counter(TimelineEvent.objects.filter(kind=EventKind.ASSIGNED).values_list("case_id", flat=True))
    assert len(assigned) == 20
    assert set(assigned.values()) == {1}
