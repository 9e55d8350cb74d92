"""Each case's SLA clocks. The case actions call these; the caller holds the case row lock.

These functions keep the clocks (``CaseSla``) and return them; the actions copy ``earliest_due`` onto
the case (``Case.sla_due_at``, which the inbox sorts by): only the actions layer writes a case.

First response and resolution run from intake; next response runs from each customer message that
arrives after an agent has answered. Every clock pauses while the case is not open (waiting on the
customer, solved, closed): the paused business time is added to the targets when it opens again,
which keeps the due times exact to the minute.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from soridam.cases.models import FINISHED_STATUSES, Case, MessageKind, Status
from soridam.lib.rows import Lookup, update_many
from soridam.sla import config as sla_config
from soridam.sla.business_time import Schedule, add_business_time, business_time_between, next_opening
from soridam.sla.escalation_plan import Fired, fired_on, plan, running_dues
from soridam.sla.models import CaseSla, EscalationRule, SlaPolicy
from soridam.sla.schedules import default_schedule, schedule_of


def choose_policy(case: Case) -> SlaPolicy | None:
    """The most specific active policy whose conditions all match; ties go to the lower position."""
    tier = case.customer.tier
    matching = SlaPolicy.objects.filter(
        Q(priority="") | Q(priority=case.priority),
        Q(category__isnull=True) | Q(category_id=case.category_id),
        Q(channel="") | Q(channel=case.channel),
        Q(tier="") | Q(tier=tier),
        is_active=True,
    )

    def specificity(policy: SlaPolicy) -> tuple[int, int, int]:
        conditions = [policy.priority, policy.category_id, policy.channel, policy.tier]
        return (-sum(1 for c in conditions if c), policy.position, policy.pk)

    return min(matching, key=specificity, default=None)


_CLOCKS = Lookup(CaseSla, "case_id = %s")


def clocks_of(case: Case) -> CaseSla | None:
    """The case's clocks, with their policy and calendar from the per-process configuration (every
    customer message reads them: one short query instead of a three-table join)."""
    sla = _CLOCKS.first(case.pk)
    if sla is not None:
        _with_config(sla, sla_config.current())
    return sla  # a policy switched off since is not in the configuration: it loads when read


def schedule_for(sla: CaseSla) -> Schedule:
    """The clocks' schedule from the per-process configuration, as new clocks get theirs (``planned``): built
    from the calendar's rows it cost two queries and a third of an acknowledgement's rendering."""
    schedules = sla_config.current().schedules
    if sla.calendar_id is not None and sla.calendar_id in schedules:
        return schedules[sla.calendar_id]
    return schedule_of(sla.calendar)  # a calendar newer than this process's configuration


def start(case: Case, now: datetime | None = None) -> CaseSla | None:
    """Start the clocks of a new case (no policy, no clocks)."""
    sla = planned(case, now)
    if sla is not None:
        sla.save()
    return sla


def planned(case: Case, now: datetime | None = None) -> CaseSla | None:
    """The clocks ``start`` would save, unsaved: intake stores a new case with its earliest due at once
    (one INSERT, not an INSERT and an UPDATE), then saves these. The case need not be saved yet."""
    now = now or timezone.now()
    config = sla_config.current()  # no queries for the configuration, usually (see config.py)
    policy = config.choose_policy(case)
    if policy is None:
        return None
    calendar = config.calendar_for_team(case.team_id)
    sla = CaseSla(case=case, policy=policy, calendar=calendar, started_at=now)
    schedule = config.schedules[calendar.pk] if calendar is not None else default_schedule()
    _set_dues(sla, case, schedule, rules=config.rules_for(policy.pk))
    return sla


def recompute(case: Case) -> CaseSla | None:
    """The priority, category or team changed: choose the policy and calendar again, keep elapsed time.

    The policy, calendar, schedule and escalation rules come from the per-process configuration, as for
    a new case (``planned``): the clocks' own row and the rules already fired are the only reads."""
    sla = clocks_of(case)
    if sla is None:
        return start(case, case.created_at)
    _recomputed(sla, case)
    sla.save()
    return sla


def recompute_many(cases: Sequence[Case]) -> dict[int, CaseSla | None]:
    """``recompute`` for a batch (triage's): the clocks read in one query and written in one UPDATE; a case
    without clocks starts them as ``recompute`` does. The caller holds every case's row lock."""
    config = sla_config.current()
    found = {
        sla.case_id: _with_config(sla, config)
        for sla in CaseSla.objects.filter(case_id__in=[case.pk for case in cases])
    }
    fired = fired_on(list(found))
    result: dict[int, CaseSla | None] = {}
    for case in cases:
        sla = found.get(case.pk)
        if sla is None:
            result[case.pk] = start(case, case.created_at)
        else:
            result[case.pk] = _recomputed(sla, case, fired[case.pk])
    update_many([found[case.pk] for case in cases if case.pk in found], *_SAVED)
    return result


_SAVED = tuple(f.name for f in CaseSla._meta.concrete_fields if not f.primary_key)  # what save() writes


def _with_config(sla: CaseSla, config: sla_config.Snapshot) -> CaseSla:
    """The clocks with their policy and calendar from the per-process configuration (as ``clocks_of``)."""
    if sla.policy_id is not None and (policy := config.policy(sla.policy_id)) is not None:
        sla.policy = policy
    if sla.calendar_id is not None and sla.calendar_id in config.calendars:
        sla.calendar = config.calendars[sla.calendar_id]
    return sla


def _recomputed(sla: CaseSla, case: Case, fired: Fired | None = None) -> CaseSla:
    """Set (not save) the clocks for the case's policy and calendar chosen again, keeping elapsed time."""
    config = sla_config.current()
    sla.policy = config.choose_policy(case)
    sla.calendar = config.calendar_for_team(case.team_id)
    schedule = config.schedules[sla.calendar.pk] if sla.calendar is not None else default_schedule()
    if sla.next_response_due is not None and sla.policy is not None:
        began = _next_response_began(sla, case)
        sla.next_response_due = add_business_time(schedule, began, timedelta(minutes=sla.policy.next_response_minutes))
    rules = config.rules_for(sla.policy.pk) if sla.policy is not None else None
    _set_dues(sla, case, schedule, rules=rules, fired=fired)
    return sla


def _next_response_began(sla: CaseSla, case: Case) -> datetime:
    last = case.messages.filter(kind=MessageKind.CUSTOMER).order_by("-created_at").values_list("created_at", flat=True)
    return last.first() or sla.started_at


def _set_dues(
    sla: CaseSla, case: Case, schedule: Schedule, rules: list[EscalationRule] | None = None, fired: Fired | None = None
) -> None:
    """First-response and resolution dues from the start, the policy and the time spent paused."""
    if sla.policy is None:
        sla.first_response_due = sla.resolution_due = sla.next_response_due = None
        return
    paused = timedelta(seconds=sla.paused_seconds)
    if sla.first_responded_at is None:
        target = timedelta(minutes=sla.policy.first_response_minutes)
        sla.first_response_due = add_business_time(schedule, sla.started_at, target + paused)
    if sla.resolved_at is None:
        target = timedelta(minutes=sla.policy.resolution_minutes)
        sla.resolution_due = add_business_time(schedule, sla.started_at, target + paused)
    plan(sla, schedule, case, rules=rules, fired=fired)


def earliest_due(sla: CaseSla | None) -> datetime | None:
    """The first due instant of the clocks that run now: what the case shows and the inbox sorts by."""
    dues = [due for _target, due in running_dues(sla)] if sla is not None else []
    return min(dues) if dues else None


def status_changed(case: Case, now: datetime | None = None) -> CaseSla | None:
    """Pause when a case leaves OPEN, resume when it comes back."""
    now = now or timezone.now()
    sla = clocks_of(case)
    if sla is None:
        return None
    if case.status == Status.OPEN and sla.paused_at is not None:
        _resume(sla, case, now)
    elif case.status != Status.OPEN and sla.paused_at is None:
        sla.paused_at = now
        sla.next_escalation_at = None
    if case.status in FINISHED_STATUSES and sla.resolved_at is None:
        sla.resolved_at = now
    sla.save()
    return sla


def _resume(sla: CaseSla, case: Case, now: datetime) -> None:
    schedule = schedule_for(sla)
    paused = business_time_between(schedule, sla.paused_at or now, now)
    sla.paused_seconds += int(paused.total_seconds())
    if sla.next_response_due is not None:
        sla.next_response_due = add_business_time(schedule, sla.next_response_due, paused)
    sla.paused_at = sla.resolved_at = None
    _set_dues(sla, case, schedule)


def agent_replied(case: Case, now: datetime | None = None) -> CaseSla | None:
    """A public agent reply stops first response (once) and answers any pending next response."""
    now = now or timezone.now()
    sla = clocks_of(case)
    if sla is None:
        return None
    if sla.first_responded_at is None:
        sla.first_responded_at = now
    sla.first_response_due = sla.next_response_due = None
    plan(sla, schedule_for(sla), case)
    sla.save()
    return sla


def customer_wrote(case: Case, now: datetime | None = None) -> CaseSla | None:
    """A customer message after an answer starts the next-response clock (if one is not running)."""
    now = now or timezone.now()
    sla = clocks_of(case)
    if sla is None or sla.policy is None or sla.first_responded_at is None or sla.next_response_due is not None:
        return sla
    target = timedelta(minutes=sla.policy.next_response_minutes)
    sla.next_response_due = add_business_time(schedule_for(sla), now, target)
    plan(sla, schedule_for(sla), case)
    sla.save()
    return sla


def promised_first_response(case: Case) -> tuple[datetime | None, datetime | None]:
    """What the acknowledgement promises: the first reply's due time and, when the case came in while the team
    was closed, the time it opens again. One read of the clocks for both (each was a query of every mail)."""
    sla = clocks_of(case)
    if sla is None or sla.first_response_due is None:
        return None, None
    opens = next_opening(schedule_for(sla), sla.started_at)
    return sla.first_response_due, opens if opens > sla.started_at else None
