"""Deadlines counted in Korean business days on the SLA calendar (``sla.schedules``): a day counts when the
calendar has working time on it, so weekends, public and substitute holidays and an admin's closed days
do not."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from soridam.sla.business_time import Schedule
from soridam.sla.schedules import calendar_for_team, schedule_of

OBJECTION_BUSINESS_DAYS = 2  # SPEC §3.2, "Objection to a neutral"
_SEARCH_DAYS = 800  # as sla.business_time's horizon: an all-closed calendar fails instead of looping


def schedule_for_team(team_id: int | None) -> Schedule:
    return schedule_of(calendar_for_team(team_id))


def is_business_day(schedule: Schedule, day: date) -> bool:
    return schedule.always_open or bool(schedule.spans_of(day))


def after_business_days(schedule: Schedule, start: datetime, days: int) -> datetime:
    """The end of the ``days``-th business day after the day of ``start`` (local midnight that ends it): a
    notice given on Friday with 2 days runs through Monday and Tuesday and ends at Wednesday 00:00."""
    day = start.astimezone(schedule.tz).date()
    counted = 0
    for _step in range(_SEARCH_DAYS):
        day += timedelta(days=1)
        if is_business_day(schedule, day):
            counted += 1
            if counted == days:
                return datetime.combine(day + timedelta(days=1), time(0), schedule.tz)
    raise ValueError("the calendar has no business days ahead")
