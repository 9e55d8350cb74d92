"""Turning a stored business calendar into a ``Schedule`` and finding a team's calendar."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

from django.conf import settings

from soridam.sla.business_time import Schedule
from soridam.sla.models import BusinessCalendar

# Used when no calendar is configured: Korean office hours, 09:00-18:00 with lunch 12:00-13:00, Mon-Fri.
OFFICE_HOURS: dict[int, tuple[tuple[time, time], ...]] = {weekday: ((time(9), time(18)),) for weekday in range(5)}


def default_schedule() -> Schedule:
    return Schedule(tz=ZoneInfo(settings.TIME_ZONE), hours=OFFICE_HOURS, break_span=(time(12), time(13)))


def schedule_of(calendar: BusinessCalendar | None) -> Schedule:
    if calendar is None:
        return default_schedule()
    hours: dict[int, list[tuple[time, time]]] = {}
    for row in calendar.hours.all():
        hours.setdefault(row.weekday, []).append((row.start, row.end))
    has_break = calendar.break_start is not None and calendar.break_end is not None
    return Schedule(
        tz=ZoneInfo(calendar.time_zone),
        hours={day: tuple(spans) for day, spans in hours.items()},
        break_span=(calendar.break_start, calendar.break_end) if has_break else None,  # type: ignore[arg-type]
        closed=frozenset(calendar.closed_days.values_list("date", flat=True)),
        korean_holidays=calendar.korean_holidays,
        always_open=calendar.always_open,
    )


def calendar_for_team(team_id: int | None) -> BusinessCalendar | None:
    calendars = BusinessCalendar.objects.prefetch_related("hours")
    own = calendars.filter(teams__id=team_id).order_by("id").first() if team_id else None
    return own or calendars.filter(is_default=True).order_by("id").first()
