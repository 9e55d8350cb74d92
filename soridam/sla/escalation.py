"""Escalation rules: fire once per (case, rule, target) when a share of the target's time has passed.

``plan`` stores the next instant any rule can fire (indexed), so the periodic check reads only the cases
that are due. ``fire_due`` holds the case row lock, and the unique (case, rule, target) row is written
before the action in a savepoint: a second scheduler, even one that got past the lock, cannot act twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from soridam.accounts.models import Membership
from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.cases.models import Case, Priority, Status
from soridam.lib.jobs import enqueue_on_commit
from soridam.sla.calendar import Schedule, add_business_time
from soridam.sla.models import CaseSla, EscalationAction, EscalationFired, EscalationRule, LeadNotice, Target

ESCALATOR = Actor(system="sla")
PRIORITY_STEPS = [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT]


def running_dues(sla: CaseSla) -> list[tuple[str, datetime]]:
    """The targets whose clock runs now, with their due instants."""
    if sla.paused_at is not None:
        return []
    dues = [(target, sla.due_of(target)) for target in Target.values]
    return [(target, due) for target, due in dues if isinstance(due, datetime)]


def rules_for(sla: CaseSla) -> list[EscalationRule]:
    return list(EscalationRule.objects.filter(Q(policy__isnull=True) | Q(policy_id=sla.policy_id), is_active=True))


def threshold_at(schedule: Schedule, due: datetime, target_minutes: int, percent: int) -> datetime:
    """When ``percent`` of the target has passed: (100 - percent)% of it before the due time."""
    before_due = timedelta(minutes=target_minutes) * (100 - percent) / 100
    return add_business_time(schedule, due, -before_due)


def _pending(
    sla: CaseSla, schedule: Schedule, rules: list[EscalationRule] | None = None
) -> list[tuple[datetime, EscalationRule, str]]:
    if sla.policy is None:
        return []
    dues = running_dues(sla)
    if not dues:
        return []
    fired: set[tuple[int, str]] = set()
    if sla.pk is not None:  # a clock being started has fired nothing yet
        fired = set(EscalationFired.objects.filter(case_id=sla.case_id).values_list("rule_id", "target"))
    pending = []
    for rule in rules_for(sla) if rules is None else rules:
        for target, due in dues:
            if rule.target == target and (rule.pk, target) not in fired:
                when = threshold_at(schedule, due, sla.policy.minutes_for(target), rule.percent)
                pending.append((when, rule, target))
    return sorted(pending, key=lambda item: (item[0], item[1].percent, item[1].pk))


def plan(sla: CaseSla, schedule: Schedule, case: Case, *, rules: list[EscalationRule] | None = None) -> None:
    """Set (not save) the next instant an escalation of this case can fire (``rules``: the active
    rules of its policy when the caller has them already)."""
    pending = _pending(sla, schedule, rules) if case.status == Status.OPEN else []
    sla.next_escalation_at = pending[0][0] if pending else None


def fire_due(case_id: int, now: datetime | None = None) -> int:
    """Fire every rule of the case whose threshold has passed; returns how many fired here."""
    from soridam.sla.clock import clocks_of, schedule_for

    now = now or timezone.now()
    fired = 0
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).filter(pk=case_id).first()
        sla = clocks_of(case) if case is not None else None
        if case is None or sla is None:
            return 0
        for when, rule, target in _pending(sla, schedule_for(sla)):
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
    from soridam.cases import actions
    from soridam.routing.assignment import reassign

    audit.record(ESCALATOR, "case.sla_escalated", target=case, data={"rule": rule.pk, "target": target})
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
            enqueue_on_commit(_email_task(), notice.pk)
    return len(notices)


def _email_task() -> Any:
    from soridam.sla.tasks import email_lead

    return email_lead
