"""When each escalation rule of a case can fire next: a share of a target's time has passed.

The clocks call ``plan`` on every change and store the next instant (indexed), so the periodic check
(``sla.escalation``) reads only the cases that are due. Planning never acts: firing calls the case
actions, which call the clocks, which call this.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q

from soridam.cases.models import Case, Status
from soridam.sla.business_time import Schedule, add_business_time
from soridam.sla.models import CaseSla, EscalationFired, EscalationRule, Target


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


Fired = set[tuple[int, str]]  # the (rule id, target) pairs that fired on a case


def fired_on(case_ids: list[int]) -> dict[int, Fired]:
    """What fired on each of many cases, in one query (a batch's ``plan``)."""
    fired: dict[int, Fired] = {case_id: set() for case_id in case_ids}
    rows = EscalationFired.objects.filter(case_id__in=case_ids).values_list("case_id", "rule_id", "target")
    for case_id, rule_id, target in rows:
        fired[case_id].add((rule_id, target))
    return fired


def pending(
    sla: CaseSla, schedule: Schedule, rules: list[EscalationRule] | None = None, fired: Fired | None = None
) -> list[tuple[datetime, EscalationRule, str]]:
    if sla.policy is None:
        return []
    dues = running_dues(sla)
    if not dues:
        return []
    if fired is None:
        fired = set()
        if sla.pk is not None:  # a clock being started has fired nothing yet
            fired = set(EscalationFired.objects.filter(case_id=sla.case_id).values_list("rule_id", "target"))
    pending = []
    for rule in rules_for(sla) if rules is None else rules:
        for target, due in dues:
            if rule.target == target and (rule.pk, target) not in fired:
                when = threshold_at(schedule, due, sla.policy.minutes_for(target), rule.percent)
                pending.append((when, rule, target))
    return sorted(pending, key=lambda item: (item[0], item[1].percent, item[1].pk))


def plan(
    sla: CaseSla,
    schedule: Schedule,
    case: Case,
    *,
    rules: list[EscalationRule] | None = None,
    fired: Fired | None = None,
) -> None:
    """Set (not save) the next instant an escalation of this case can fire (``rules``: the active
    rules of its policy, ``fired``: what fired on the case, when the caller has them already)."""
    upcoming = pending(sla, schedule, rules, fired) if case.status == Status.OPEN else []
    sla.next_escalation_at = upcoming[0][0] if upcoming else None
