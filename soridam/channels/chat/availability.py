"""Can a person answer a chat now? Business hours on the Korean calendar (``sla``) and an agent online."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from soridam.routing.models import AgentState, Presence
from soridam.sla import config
from soridam.sla.business_time import Schedule, next_opening
from soridam.sla.schedules import default_schedule

MINUTES_PER_CHAT_AHEAD = 3  # a rough wait per visitor queued before this one, per agent online


def support_schedule() -> Schedule:
    """The default business calendar's schedule (holidays included); office hours when none is configured."""
    snapshot = config.current()
    calendar = snapshot.calendar_for_team(None)
    return snapshot.schedules[calendar.pk] if calendar is not None else default_schedule()


def is_business_time(moment: datetime | None = None) -> bool:
    moment = moment or timezone.now()
    return next_opening(support_schedule(), moment) <= moment


def next_opening_after(moment: datetime) -> datetime:
    """The next time the support desk opens (Korean holidays and the lunch break skipped)."""
    return next_opening(support_schedule(), moment)


def agents_online() -> int:
    return AgentState.objects.filter(presence=Presence.ONLINE, agent__is_active=True).count()


def expected_wait_minutes(queued_ahead: int, online: int) -> int:
    return max(1, (queued_ahead + 1) * MINUTES_PER_CHAT_AHEAD // max(online, 1))
