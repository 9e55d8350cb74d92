"""Firing escalation rules: once per (case, rule, target) when a share of the target's time has passed.

``escalation_plan.plan`` stores the next instant any rule can fire (indexed), so the periodic check reads
only the cases that are due. ``fire_due`` holds the case row lock, and the unique (case, rule, target) row
is written before the action in a savepoint: a second scheduler, even one that got past the lock, cannot
act twice. Firing changes the case through ``cases.actions``.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from soridam.accounts.models import Membership
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, Priority, Status
from soridam.lib.jobs import enqueue_job_on_commit
from soridam.routing.assignment import reassign
from soridam.sla.clock import clocks_of, schedule_for
from soridam.sla.escalation_plan import pending, plan
from soridam.sla.models import EscalationAction, EscalationFired, EscalationRule, LeadNotice, Target

ESCALATOR = Actor(system="sla")
PRIORITY_STEPS = [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT]


def fire_due(case_id: int, now: datetime | None = None) -> int:
    """Fire every rule of the case whose threshold has passed; returns how many fired here."""
    now = now or timezone.now()
    fired = 0
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).filter(pk=case_id).first()
        sla = clocks_of(case) if case is not None else None
        if case is None or sla is None:
            return 0
        for when, rule, target in pending(sla, schedule_for(sla)):
            if when > now or case.status != Status.OPEN:
                break
            if _claim(case, rule, target, now):
                _act(case, rule, target)
                fired += 1
        sla = clocks_of(case)
        if sla is not None:
            plan(sla, schedule_for(sla), case)
            sla.save(update_fields=["next_escalation_at"])
    return fired


def _claim(case: Case, rule: EscalationRule, target: str, now: datetime) -> bool:
    try:
        with transaction.atomic():
            EscalationFired.objects.create(case=case, rule=rule, target=target, fired_at=now)
    except IntegrityError:
        return False
    return True


def _act(case: Case, rule: EscalationRule, target: str) -> None:
    actions.record_escalation(case, rule_id=rule.pk, target=target, actor=ESCALATOR)
    if rule.action == EscalationAction.RAISE_PRIORITY:
        step = PRIORITY_STEPS.index(Priority(case.priority))
        if step + 1 < len(PRIORITY_STEPS):
            actions.change_priority(case, PRIORITY_STEPS[step + 1], actor=ESCALATOR)
    elif rule.action == EscalationAction.REASSIGN:
        reassign(case, actor=ESCALATOR)
    else:
        notify_leads(case, rule, target)


def notify_leads(case: Case, rule: EscalationRule, target: str) -> int:
    if case.team_id is None:
        return 0
    leads = Membership.objects.filter(team_id=case.team_id, is_lead=True).select_related("user")
    notices = []
    for membership in leads:
        with override(membership.user.language):
            text = _("%(reference)s: %(percent)s%% of the %(target)s target has passed.") % {
                "reference": case.reference,
                "percent": rule.percent,
                "target": Target(target).label,
            }
        notices.append(LeadNotice(recipient=membership.user, case=case, text=text[:300]))
    for notice in LeadNotice.objects.bulk_create(notices):
        if notice.recipient.email:
            enqueue_job_on_commit("soridam.sla.tasks.email_lead", notice.pk)
    return len(notices)
