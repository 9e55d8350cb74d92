"""Breach risk: how likely a running SLA target is missed, from time left, queue ahead and agent load."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from soridam.cases.models import ACTIVE_STATUSES, Case, Status
from soridam.routing.models import AgentState, Presence
from soridam.sla.business_time import business_minutes_between
from soridam.sla.clock import schedule_for
from soridam.sla.escalation_plan import running_dues
from soridam.sla.models import CaseSla

# Business minutes an agent typically spends before reaching the next case in the queue.
MINUTES_PER_QUEUED_CASE = 15
# Business minutes a fully loaded agent needs before getting to one more case.
MINUTES_AT_FULL_LOAD = 60


def score(minutes_left: int, target_minutes: int, queue_ahead: int, agents_online: int, load_ratio: float) -> int:
    """0-100. 100 means breached (or certain to be); the larger of elapsed share and queue pressure."""
    if minutes_left <= 0:
        return 100
    elapsed = 1 - min(minutes_left / max(target_minutes, 1), 1.0)
    wait = queue_ahead * MINUTES_PER_QUEUED_CASE / max(agents_online, 1) + load_ratio * MINUTES_AT_FULL_LOAD
    pressure = min(wait / minutes_left, 1.0)
    return max(0, min(99, round(100 * max(0.8 * elapsed, pressure))))


def level(risk: int) -> str:
    return "breached" if risk >= 100 else "high" if risk >= 75 else "medium" if risk >= 40 else "low"


def case_risk(case: Case, sla: CaseSla, now: datetime) -> int:
    dues = running_dues(sla)
    if not dues or sla.policy is None:
        return 0
    target, due = min(dues, key=lambda item: item[1])
    left = business_minutes_between(schedule_for(sla), now, due)
    if case.team_id is None:
        return score(left, sla.policy.minutes_for(target), 0, 0, 0.0)
    queue = Case.objects.filter(
        team_id=case.team_id, status=Status.OPEN, assignee__isnull=True, sla_due_at__lt=due
    ).count()
    team_agents = AgentState.objects.filter(presence=Presence.ONLINE, agent__teams=case.team_id).count()
    load_ratio = 0.0
    if case.assignee_id is not None:
        state = AgentState.objects.filter(agent_id=case.assignee_id).first()
        capacity = state.default_capacity if state else 5
        load = Case.objects.filter(assignee_id=case.assignee_id, status__in=ACTIVE_STATUSES).count()
        load_ratio = min(load / max(capacity, 1), 2.0)
    ahead = queue if case.assignee_id is None else 0
    return score(left, sla.policy.minutes_for(target), ahead, team_agents, load_ratio)


def refresh(limit: int = 2000, now: datetime | None = None) -> int:
    """Recompute the stored risk of the cases nearest their due time; returns how many changed."""
    now = now or timezone.now()
    changed = 0
    cases = Case.objects.filter(sla_due_at__isnull=False).select_related("sla__policy", "sla__calendar")
    for case in cases.order_by("sla_due_at", "id")[:limit]:
        sla = case.sla
        risk = case_risk(case, sla, now)
        if risk != sla.risk:
            CaseSla.objects.filter(pk=sla.pk).update(risk=risk)
            changed += 1
    return changed
