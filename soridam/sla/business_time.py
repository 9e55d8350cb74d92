"""Business time on a calendar: pure functions over a ``Schedule`` (no database access).

Working spans belong to the day they start on; a span whose end is at or before its start runs past
midnight. A closed day (public holiday, substitute holiday, admin closure) removes the spans that start
on it. The daily break is cut out of every span it overlaps. Instants are aware datetimes; the arithmetic
is exact to the microsecond, and minutes are whole minutes rounded down.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from soridam.sla.holiday_dates import public_holidays

# Search at most this far for working time, so an all-closed calendar fails loudly instead of looping.
HORIZON_DAYS = 800
Span = tuple[datetime, datetime]


@lru_cache(maxsize=64)
def korean_holidays(year: int) -> frozenset[date]:
    """Public holidays, with lunar 설날/추석, substitute and election days (``holiday_dates``)."""
    return public_holidays(year)


@dataclass(frozen=True)
class Schedule:
    tz: ZoneInfo
    hours: dict[int, tuple[tuple[time, time], ...]] = field(default_factory=dict)  # weekday → spans
    break_span: tuple[time, time] | None = None
    closed: frozenset[date] = frozenset()
    korean_holidays: bool = True
    always_open: bool = False

    def is_closed(self, day: date) -> bool:
        return day in self.closed or (self.korean_holidays and day in korean_holidays(day.year))

    def spans_of(self, day: date) -> list[Span]:
        """The working spans that start on ``day``, break removed, in order."""
        if self.is_closed(day):
            return []
        spans: list[Span] = []
        for start, end in self.hours.get(day.weekday(), ()):
            begin = datetime.combine(day, start, self.tz)
            finish = datetime.combine(day + timedelta(days=1) if end <= start else day, end, self.tz)
            spans.extend(self._cut_break(day, begin, finish))
        return spans

    def _cut_break(self, day: date, begin: datetime, finish: datetime) -> list[Span]:
        if self.break_span is None:
            return [(begin, finish)]
        pause_begin = datetime.combine(day, self.break_span[0], self.tz)
        pause_end = datetime.combine(day, self.break_span[1], self.tz)
        if pause_end <= begin or pause_begin >= finish:
            return [(begin, finish)]
        return [(a, b) for a, b in ((begin, pause_begin), (pause_end, finish)) if a < b]


def _forward(schedule: Schedule, moment: datetime) -> Iterator[Span]:
    """Working spans (clipped) from ``moment`` on."""
    if schedule.always_open:
        yield moment, moment + timedelta(days=HORIZON_DAYS)
        return
    day = moment.astimezone(schedule.tz).date() - timedelta(days=1)  # yesterday's span may run past midnight
    for offset in range(HORIZON_DAYS):
        for begin, finish in schedule.spans_of(day + timedelta(days=offset)):
            if finish > moment:
                yield max(begin, moment), finish
    raise ValueError("the calendar has no working time ahead")


def _backward(schedule: Schedule, moment: datetime) -> Iterator[Span]:
    """Working spans (clipped) before ``moment``, latest first."""
    if schedule.always_open:
        yield moment - timedelta(days=HORIZON_DAYS), moment
        return
    day = moment.astimezone(schedule.tz).date()
    for offset in range(HORIZON_DAYS):
        for begin, finish in reversed(schedule.spans_of(day - timedelta(days=offset))):
            if begin < moment:
                yield begin, min(finish, moment)
    raise ValueError("the calendar has no working time before")


def add_business_time(schedule: Schedule, start: datetime, amount: timedelta) -> datetime:
    """The instant when ``amount`` of business time has passed after ``start`` (negative goes back)."""
    if amount < timedelta(0):
        return _walk(_backward(schedule, start), -amount, lambda span, left: span[1] - left)
    if amount == timedelta(0):
        return start
    return _walk(_forward(schedule, start), amount, lambda span, left: span[0] + left)


def _walk(spans: Iterator[Span], amount: timedelta, land: Callable[[Span, timedelta], datetime]) -> datetime:
    left = amount
    for span in spans:
        length = span[1] - span[0]
        if left <= length:
            return land(span, left)
        left -= length
    raise ValueError("the calendar has no working time")  # pragma: no cover - the iterators raise first


def business_time_between(schedule: Schedule, start: datetime, end: datetime) -> timedelta:
    """Business time from ``start`` to ``end``; negative when ``end`` comes first."""
    if end < start:
        return -business_time_between(schedule, end, start)
    total = timedelta(0)
    for begin, finish in _forward(schedule, start):
        if begin >= end:
            break
        total += min(finish, end) - begin
    return total


def business_minutes_between(schedule: Schedule, start: datetime, end: datetime) -> int:
    seconds = business_time_between(schedule, start, end).total_seconds()
    return int(seconds // 60) if seconds >= 0 else -int(-seconds // 60)


def next_opening(schedule: Schedule, moment: datetime) -> datetime:
    """The first working instant at or after ``moment``."""
    return next(_forward(schedule, moment))[0]
