"""Approvals that wait past their deadline escalate once: the case's team leads (else the admins) are alerted
and the case's timeline says so (R-POLICY-4). Run every few minutes by the scheduler (``tasks``)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from soridam.accounts.models import Membership, Role, User
from soridam.alerts import fanout
from soridam.alerts.models import AlertKind
from soridam.audit.actors import Actor
from soridam.cases import remedy_actions
from soridam.cases.models import Case
from soridam.policy.models import Remedy, RemedyState

ESCALATION = Actor(system="policy")


def escalate_overdue(now: datetime | None = None, limit: int = 200) -> int:
    """Each overdue approval not yet escalated alerts its approvers once; returns how many."""
    now = now or timezone.now()
    overdue = Remedy.objects.filter(
        state=RemedyState.PENDING_APPROVAL, approval_due_at__lte=now, escalated_at__isnull=True
    ).values_list("pk", "case_id")[:limit]
    escalated = 0
    for remedy_id, case_id in list(overdue):
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=case_id)
            remedy = Remedy.objects.select_for_update().get(pk=remedy_id)
            if remedy.state != RemedyState.PENDING_APPROVAL or remedy.escalated_at is not None:
                continue
            remedy_actions.record_escalated(case, remedy)
            fanout.for_people(case, AlertKind.APPROVAL_OVERDUE, approvers_of(case), actor=ESCALATION)
            escalated += 1
    return escalated


def approvers_of(case: Case) -> list[User]:
    """The leads of the case's team; with none (or no team), the admins."""
    members = Membership.objects.filter(team_id=case.team_id, is_lead=True) if case.team_id else None
    leads = [m.user for m in members.select_related("user")] if members is not None else []
    if leads:
        return leads
    return list(User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk")[:20])
