"""The check-in (R-FOLLOW-2): "solved?" a few Korean business days after the resolution notice.

Solving a case schedules one (``schedule_check_in``, called by the actions layer); the periodic job
(``followup.tasks.run_check_ins``) asks it when due and closes the case when the customer stays silent;
``cases.followup_actions`` records the answer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet

from soridam.cases.models import Case
from soridam.followup.models import CheckIn
from soridam.sla.business_time import Schedule
from soridam.sla.schedules import calendar_for_team, schedule_of


def add_business_days(schedule: Schedule, start: datetime, days: int) -> datetime:
    """The same time of day ``days`` business days later: days with working hours that are not public
    (or substitute) holidays or closed days of the calendar. Friday 15:00 + 3 → Wednesday 15:00; a
    holiday in between is skipped."""
    local = start.astimezone(schedule.tz)
    day, counted = local.date(), 0
    while counted < days:
        day += timedelta(days=1)
        if schedule.always_open or schedule.spans_of(day):
            counted += 1
    return datetime.combine(day, local.timetz())


def business_days_after(case: Case, start: datetime, days: int) -> datetime:
    """``days`` business days of the case's team calendar (else the default Korean office calendar)."""
    return add_business_days(schedule_of(calendar_for_team(case.team_id)), start, days)


def schedule_check_in(case: Case) -> CheckIn | None:
    """The case was just solved and the customer told: ask "solved?" later. Once per resolution (a case
    solved again after a reopen gets a new one). The caller holds the case's row lock."""
    if case.solved_at is None:
        return None
    due = business_days_after(case, case.solved_at, settings.SORIDAM_CHECK_IN_AFTER_DAYS)
    check_in, _created = CheckIn.objects.get_or_create(case=case, solved_at=case.solved_at, defaults={"due_at": due})
    return check_in


def silence_closes_at(case: Case, asked_at: datetime) -> datetime:
    return business_days_after(case, asked_at, settings.SORIDAM_CHECK_IN_SILENCE_DAYS)


def due_to_ask(now: datetime) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(answer="", sent_at__isnull=True, due_at__lte=now)


def due_to_close(now: datetime) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(answer="", sent_at__isnull=False, closes_at__lte=now)
