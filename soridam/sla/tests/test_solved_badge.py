"""A solved case's SLA badge says whether the SLA was met, not that it is paused (issue 11, item 10)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.template.loader import render_to_string
from django.utils import translation

from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case
from soridam.sla.models import SlaPolicy
from soridam.sla.templatetags.sla_tags import sla_badge

KST = ZoneInfo("Asia/Seoul")
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=KST)


def _badge(case: Case) -> str:
    with translation.override("ko"):
        return render_to_string("sla/_badge.html", sla_badge(Case.objects.select_related("sla").get(pk=case.pk)))


def _solve(case: Case, actor: Actor, *, after: timedelta) -> None:
    with time_machine.travel(MONDAY_9 + after, tick=False):
        actions.reply(case, "환불 처리했습니다.", actor=actor)
        actions.change_status(case, "solved", actor=actor)


def test_a_case_solved_in_time_shows_sla_met(
    policy: SlaPolicy, make_case: Callable[..., Case], agent_actor: Actor
) -> None:
    with time_machine.travel(MONDAY_9, tick=False):
        case = make_case()
    _solve(case, agent_actor, after=timedelta(hours=1))
    badge = _badge(case)
    assert "SLA 충족" in badge
    assert "일시 정지" not in badge


def test_a_case_solved_late_shows_sla_missed(
    policy: SlaPolicy, make_case: Callable[..., Case], agent_actor: Actor
) -> None:
    with time_machine.travel(MONDAY_9, tick=False):
        case = make_case()
    _solve(case, agent_actor, after=timedelta(days=7))
    badge = _badge(case)
    assert "SLA 미달" in badge
    assert "일시 정지" not in badge
