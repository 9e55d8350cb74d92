"""Routing strategies, capacity, presence and the pool."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from django.db.models import Count

from soridam.accounts.models import Team
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import ACTIVE_STATUSES, Case, Status
from soridam.routing import assignment
from soridam.routing.models import AgentState, Presence, Strategy, TeamRouting, TeamSkill
from soridam.routing.presence import set_presence
from soridam.routing.tasks import assign_pool, route_case
from soridam.routing.tests.conftest import MakeAgents, set_strategy, speaks


def test_round_robin_spreads_1000_cases_evenly(
    teams: dict[str, Team], make_agents: MakeAgents, pool_cases: Callable[..., list[Case]]
) -> None:
    agents = make_agents(5, capacity=1000)
    set_strategy(teams["delivery"], Strategy.ROUND_ROBIN)
    for case in pool_cases(1000):
        assignment.route(case.pk)
    counts = Counter(Case.objects.values_list("assignee_id", flat=True))
    assert set(counts) == {agent.pk for agent in agents}
    assert all(190 <= n <= 210 for n in counts.values()), counts


def test_least_load_fills_the_emptiest_agent_and_never_exceeds_capacity(
    teams: dict[str, Team], make_agents: MakeAgents, pool_cases: Callable[..., list[Case]]
) -> None:
    first, second = make_agents(2, capacity=2)
    set_strategy(teams["delivery"], Strategy.LEAST_LOAD)
    cases = pool_cases(5)
    results = [assignment.route(case.pk) for case in cases]
    assert results.count("pool") == 1
    loads = dict(Case.objects.filter(status__in=ACTIVE_STATUSES).values_list("assignee_id").annotate(n=Count("id")))
    assert loads == {first.pk: 2, second.pk: 2, None: 1}


def test_skills_first_never_gives_a_korean_only_agent_an_english_case(
    teams: dict[str, Team], make_agents: MakeAgents, pool_cases: Callable[..., list[Case]]
) -> None:
    korean, english = make_agents(2, capacity=3)
    speaks(korean, "ko")
    speaks(english, "en", "ko")
    set_strategy(teams["delivery"], Strategy.SKILLS_FIRST)
    english_cases = pool_cases(4, language="en")
    for case in english_cases:
        assignment.route(case.pk)
    assigned = Counter(Case.objects.filter(language="en").values_list("assignee_id", flat=True))
    # The bilingual agent takes three (capacity); the fourth waits rather than go to the Korean-only agent.
    assert assigned == {english.pk: 3, None: 1}
    korean_case = pool_cases(1, language="ko")[0]
    assert assignment.route(korean_case.pk) == korean.username


def test_offline_agent_returns_open_cases_to_the_pool(
    teams: dict[str, Team],
    make_agents: MakeAgents,
    pool_cases: Callable[..., list[Case]],
    django_capture_on_commit_callbacks,
) -> None:
    leaving, staying = make_agents(2, capacity=5)
    set_strategy(teams["delivery"], Strategy.ROUND_ROBIN)
    cases = pool_cases(4)
    for case in cases:
        assignment.route(case.pk)
    with django_capture_on_commit_callbacks(execute=True):
        set_presence(leaving, Presence.OFFLINE)
    assert set(Case.objects.values_list("assignee_id", flat=True)) == {staying.pk}


def test_freed_capacity_pulls_the_next_pool_case(
    teams: dict[str, Team],
    make_agents: MakeAgents,
    pool_cases: Callable[..., list[Case]],
    django_capture_on_commit_callbacks,
) -> None:
    (agent,) = make_agents(1, capacity=1)
    first, second = pool_cases(2)
    assert assignment.route(first.pk) == agent.username
    assert assignment.route(second.pk) == "pool"
    first = Case.objects.get(pk=first.pk)
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_status(first, Status.SOLVED, actor=Actor(user=agent))
    second.refresh_from_db()
    assert second.assignee == agent


def test_route_case_picks_a_team_by_skills_and_is_idempotent(
    teams: dict[str, Team], make_agents: MakeAgents, pool_cases: Callable[..., list[Case]]
) -> None:
    (payer,) = make_agents(1, team="payments", prefix="payer")
    TeamSkill.objects.create(team=teams["payments"], kind="language", value="en")
    case = pool_cases(1, language="en")[0]
    Case.objects.filter(pk=case.pk).update(team=None, category=None)
    route_case.call(case.pk)
    route_case.call(case.pk)
    case.refresh_from_db()
    assert case.team == teams["payments"]
    assert case.assignee == payer
    assert case.events.filter(kind="assigned").count() == 1


def test_the_periodic_sweep_hands_out_the_pool(
    teams: dict[str, Team], make_agents: MakeAgents, pool_cases: Callable[..., list[Case]]
) -> None:
    (agent,) = make_agents(1, capacity=2)
    AgentState.objects.filter(agent=agent).update(presence=Presence.OFFLINE)
    cases = pool_cases(3)
    assert [assignment.route(case.pk) for case in cases] == ["pool"] * 3
    AgentState.objects.filter(agent=agent).update(presence=Presence.ONLINE)
    assert assign_pool.call() == 2
    assert Case.objects.filter(assignee=agent).count() == 2


def test_a_manual_team_is_never_auto_assigned(
    teams: dict[str, Team], make_agents: MakeAgents, pool_cases: Callable[..., list[Case]]
) -> None:
    make_agents(1)
    TeamRouting.objects.create(team=teams["delivery"], auto_assign=False)
    case = pool_cases(1)[0]
    assert assignment.route(case.pk) == "pool"
    assert assign_pool.call() == 0


def test_a_new_case_is_routed_after_intake(
    teams: dict[str, Team], make_agents: MakeAgents, make_case: Callable[..., Case]
) -> None:
    (agent,) = make_agents(1)
    case = make_case()
    case.refresh_from_db()
    assert case.team == teams["delivery"]
    assert case.assignee == agent
