"""Business time on the Korean calendar: a pure function, checked around 추석, 설날 and substitute days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soridam.sla.business_time import (
    Schedule,
    add_business_time,
    business_minutes_between,
    business_time_between,
    korean_holidays,
    next_opening,
)

KST = ZoneInfo("Asia/Seoul")
OFFICE = Schedule(tz=KST, hours={d: ((time(9), time(18)),) for d in range(5)}, break_span=(time(12), time(13)))


def kst(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=KST)


def test_the_package_knows_the_substitute_days_we_rely_on() -> None:
    assert date(2028, 10, 5) in korean_holidays(2028)  # 추석 overlaps 개천절 on 10-03 → substitute 10-05
    assert date(2025, 10, 8) in korean_holidays(2025)  # 추석 전날 on a Sunday → substitute 10-08
    assert date(2027, 2, 9) in korean_holidays(2027)  # 설날 on a Sunday → substitute 02-09
    assert date(2028, 10, 6) not in korean_holidays(2028)


def test_a_day_is_eight_hours_without_lunch() -> None:
    assert business_minutes_between(OFFICE, kst(2026, 11, 23, 8), kst(2026, 11, 23, 20)) == 480
    assert business_minutes_between(OFFICE, kst(2026, 11, 23, 11, 30), kst(2026, 11, 23, 13, 30)) == 60


def test_filed_at_1750_before_chuseok_2028_is_due_after_the_substitute_day() -> None:
    # Fri 2028-09-29 is the last working day; 10-02..10-04 추석 (10-03 also 개천절), 10-05 substitute.
    filed = kst(2028, 9, 29, 17, 50)
    due = add_business_time(OFFICE, filed, timedelta(hours=4))
    assert due == kst(2028, 10, 6, 13, 50)  # 10 min on Friday, 180 until lunch on 10-06, 50 after it
    assert business_minutes_between(OFFICE, filed, due) == 240


def test_filed_at_1750_before_chuseok_2025_skips_the_whole_golden_week() -> None:
    # Thu 2025-10-02; 10-03 개천절, weekend, 10-06/07 추석, 10-08 substitute, 10-09 한글날.
    due = add_business_time(OFFICE, kst(2025, 10, 2, 17, 50), timedelta(minutes=30))
    assert due == kst(2025, 10, 10, 9, 20)


def test_seollal_with_its_substitute_day() -> None:
    # 2027: 설날 02-06..02-08 (02-07 a Sunday) → substitute 02-09; Friday 02-05 is a working day.
    assert add_business_time(OFFICE, kst(2027, 2, 5, 17, 0), timedelta(hours=2)) == kst(2027, 2, 10, 10, 0)


def test_admin_closed_days_count_like_holidays() -> None:
    closed = Schedule(tz=KST, hours=OFFICE.hours, break_span=OFFICE.break_span, closed=frozenset({date(2026, 11, 24)}))
    assert add_business_time(closed, kst(2026, 11, 23, 17, 0), timedelta(hours=2)) == kst(2026, 11, 25, 10, 0)


def test_going_back_is_the_inverse_of_going_forward() -> None:
    start = kst(2028, 9, 29, 17, 50)
    for minutes in (1, 10, 11, 190, 240, 2000):
        due = add_business_time(OFFICE, start, timedelta(minutes=minutes))
        assert add_business_time(OFFICE, due, -timedelta(minutes=minutes)) == start
        assert business_time_between(OFFICE, due, start) == -timedelta(minutes=minutes)


def test_spans_past_midnight_and_off_hours_opening() -> None:
    night = Schedule(tz=KST, hours={4: ((time(22), time(2)),)}, korean_holidays=False)  # Friday night shift
    assert business_minutes_between(night, kst(2026, 11, 27, 21), kst(2026, 11, 28, 3)) == 240
    assert add_business_time(night, kst(2026, 11, 28, 1), timedelta(hours=2)) == kst(2026, 12, 4, 23)
    assert next_opening(OFFICE, kst(2026, 11, 21, 10)) == kst(2026, 11, 23, 9)


def test_always_open_counts_every_minute() -> None:
    always = Schedule(tz=KST, always_open=True)
    assert business_minutes_between(always, kst(2028, 10, 3, 0), kst(2028, 10, 4, 0)) == 1440


def test_a_calendar_without_hours_fails_loudly() -> None:
    with pytest.raises(ValueError, match="no working time"):
        add_business_time(Schedule(tz=KST), kst(2026, 1, 1), timedelta(minutes=1))


@settings(max_examples=300, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2029, 12, 31)),  # noqa: DTZ001 - naive bounds, KST added
    minutes=st.integers(min_value=0, max_value=20_000),
    extra=st.integers(min_value=0, max_value=600),
)
def test_adding_then_measuring_gives_back_the_amount(start: datetime, minutes: int, extra: int) -> None:
    begin = start.replace(tzinfo=KST)
    due = add_business_time(OFFICE, begin, timedelta(minutes=minutes))
    assert business_time_between(OFFICE, begin, due) == timedelta(minutes=minutes)
    later = add_business_time(OFFICE, begin, timedelta(minutes=minutes + extra))
    assert later >= due  # more business time never lands earlier
    if minutes:
        assert not OFFICE.is_closed(due.date())  # a due time is always on a working day
        assert time(9) < due.timetz().replace(tzinfo=None) <= time(18)


def test_the_scheduler_command_runs_once(db: None) -> None:
    from django.core.management import call_command

    from soridam.sla.models import PeriodicRun

    call_command("scheduler", "--once")
    assert PeriodicRun.objects.filter(last_run_at__isnull=False).count() >= 3
