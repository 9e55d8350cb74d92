"""What a routing pass costs in statements (issue 13 §3: routing ≥ 200 cases/s), so it cannot creep back,
and that the pass still writes each case's own history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from soridam.accounts.models import Team
from soridam.alerts.models import Alert
from soridam.audit.audit import first_broken_entry, stream_of
from soridam.audit.models import AuditEntry
from soridam.cases.models import Case, EventKind, TimelineEvent
from soridam.routing import assignment
from soridam.routing.models import Strategy
from soridam.routing.tests.conftest import MakeAgents, set_strategy


@pytest.mark.django_db
def test_routing_a_case_in_a_pass_costs_at_most_two_statements(
    teams: dict[str, Team],
    make_agents: MakeAgents,
    pool_cases: Callable[..., list[Case]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    agents = make_agents(3, capacity=20)
    set_strategy(teams["delivery"], Strategy.LEAST_LOAD)
    ids = [case.pk for case in pool_cases(30)]
    with django_capture_on_commit_callbacks(execute=False), CaptureQueriesContext(connection) as captured:
        outcome = assignment.route_many(ids)

    assert set(outcome.values()) == {agent.username for agent in agents}
    assert len(captured.captured_queries) <= 2 * len(ids) + 20, len(captured.captured_queries)
    assigned = TimelineEvent.objects.filter(case_id__in=ids, kind=EventKind.ASSIGNED)
    assert sorted(assigned.values_list("case_id", flat=True)) == ids  # one event each
    assert Alert.objects.filter(case_id__in=ids, kind="assigned").count() == len(ids)
    for case in Case.objects.filter(pk__in=ids):
        entries = AuditEntry.objects.filter(stream=stream_of(case)).values_list("action", "data")
        assert list(entries) == [("case.assign", {"from": "", "to": outcome[case.pk]})]
        assert first_broken_entry(stream_of(case)) is None


@pytest.mark.django_db
def test_a_second_pass_chains_onto_each_case_audit_stream(
    teams: dict[str, Team], make_agents: MakeAgents, pool_cases: Callable[..., list[Case]]
) -> None:
    make_agents(1, capacity=2)
    ids = [case.pk for case in pool_cases(4)]
    assignment.route_many(ids)
    Case.objects.filter(pk__in=ids).update(assignee=None)  # back in the pool (no history: a test shortcut)
    make_agents(1, capacity=10, prefix="late")

    assignment.route_many(ids)

    for case_id in ids:
        stream = f"cases.case:{case_id}"
        assert first_broken_entry(stream) is None
    seqs = sorted(AuditEntry.objects.filter(stream__in=[f"cases.case:{i}" for i in ids]).values_list("seq", flat=True))
    assert seqs == [1, 1, 1, 1, 2, 2]  # two cases assigned twice, two (pool the first time) once
