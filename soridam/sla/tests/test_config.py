"""Starting a new case's clocks reads the SLA configuration from a per-process copy."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from soridam.accounts.models import Team
from soridam.cases import actions
from soridam.cases.models import Case
from soridam.customers.actions import Contact
from soridam.sla import config
from soridam.sla.models import BusinessCalendar, EscalationAction, EscalationRule, SlaPolicy, Target
from soridam.sla.tests.test_clock import kst

pytestmark = pytest.mark.django_db

CONFIG_TABLES = ("sla_slapolicy", "sla_businesscalendar", "sla_workinghours", "sla_closedday", "sla_escalationrule")


def _config_reads(ctx: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith("SELECT") and any(f'FROM "{t}"' in q["sql"] for t in CONFIG_TABLES)
    ]


def test_a_second_new_case_reads_no_sla_configuration(policy: SlaPolicy, make_case: Callable[..., Case]) -> None:
    with time_machine.travel(kst(2026, 11, 23, 10, 0), tick=False):
        make_case()
        with CaptureQueriesContext(connection) as ctx:  # the intake transaction; its tasks run later
            case = actions.open_case(
                actions.NewCase("환불 문의", "환불해 주세요.", Contact("이서준", "lee@example.kr"))
            )
    assert _config_reads(ctx) == []
    assert case.sla.policy == policy
    assert case.sla.first_response_due == kst(2026, 11, 23, 15, 0)  # 240 business minutes, lunch skipped


def test_a_saved_policy_calendar_or_rule_counts_at_once(
    policy: SlaPolicy, make_case: Callable[..., Case], teams: dict[str, Team]
) -> None:
    with time_machine.travel(kst(2026, 11, 23, 10, 0), tick=False):
        assert make_case().sla.first_response_due == kst(2026, 11, 23, 15, 0)  # the copy is loaded now
        policy.first_response_minutes = 60
        policy.save()
        night = BusinessCalendar.objects.create(name="Night desk", always_open=True)
        night.teams.add(teams["delivery"])
        rule = EscalationRule.objects.create(
            target=Target.FIRST_RESPONSE, percent=50, action=EscalationAction.NOTIFY_LEAD
        )
        case = make_case()
    assert case.sla.first_response_due == kst(2026, 11, 23, 11, 0)
    assert case.sla.calendar == night
    assert case.sla.next_escalation_at == kst(2026, 11, 23, 10, 30)
    rule.delete()
    assert config.current().rules == ()


def test_other_processes_see_changes_within_the_ttl(policy: SlaPolicy, monkeypatch: pytest.MonkeyPatch) -> None:
    assert config.current().policies == (policy,)
    SlaPolicy.objects.filter(pk=policy.pk).update(is_active=False)  # as another process would: no save()
    assert config.current().policies == (policy,)
    monkeypatch.setattr(config.CONFIGURATION, "ttl", 0.0)
    assert config.current().policies == ()
