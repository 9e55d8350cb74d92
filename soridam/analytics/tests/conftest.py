from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from soridam.accounts.models import Team
from soridam.sla.models import BusinessCalendar, SlaPolicy, WorkingHours

KST = ZoneInfo("Asia/Seoul")


def kst(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=KST)


@pytest.fixture
def office(teams: dict[str, Team]) -> BusinessCalendar:
    """Weekdays 09:00-18:00 with lunch 12:00-13:00, closed on Korean public holidays."""
    calendar = BusinessCalendar.objects.create(
        name="Seoul office", break_start=time(12), break_end=time(13), is_default=True
    )
    WorkingHours.objects.bulk_create(
        WorkingHours(calendar=calendar, weekday=day, start=time(9), end=time(18)) for day in range(5)
    )
    return calendar


@pytest.fixture
def policy(office: BusinessCalendar) -> SlaPolicy:
    return SlaPolicy.objects.create(
        name="Standard", first_response_minutes=240, next_response_minutes=120, resolution_minutes=960
    )
