"""A 14-day forecast per channel and hour (SPEC R-ANALYTICS-3), and its backtest.

The model is the weekday × hour profile of the last weeks: the mean count at each weekday and hour over
ordinary days, and a separate hour profile for public holidays (the ``holidays`` package through the SLA
calendar), scaled by the level of the latest two weeks against the profile's own weeks. Accuracy is the MAPE
of daily totals over a held-out fortnight (hourly counts are too often 0 for a percentage error).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count
from django.db.models.functions import TruncHour
from django.utils import timezone

from soridam.cases.models import Case
from soridam.sla.business_time import korean_holidays

Hourly = Mapping[tuple[date, int], float]  # (local day, hour) -> contacts
HORIZON_DAYS = 14
PROFILE_WEEKS = 8


def is_holiday(day: date) -> bool:
    return day in korean_holidays(day.year)


@dataclass
class Profile:
    weekday_hour: dict[tuple[int, int], float] = field(default_factory=dict)
    holiday_hour: dict[int, float] = field(default_factory=dict)
    level: float = 1.0

    def predict(self, day: date, hour: int) -> float:
        if is_holiday(day) and self.holiday_hour:
            return self.level * self.holiday_hour.get(hour, 0.0)
        return self.level * self.weekday_hour.get((day.weekday(), hour), 0.0)

    def day_total(self, day: date) -> float:
        return sum(self.predict(day, hour) for hour in range(24))


def fit(series: Hourly, last_day: date, *, weeks: int = PROFILE_WEEKS) -> Profile:
    """The profile of the ``weeks`` weeks ending on ``last_day`` (missing hours count as 0)."""
    first = last_day - timedelta(days=7 * weeks - 1)
    ordinary: dict[tuple[int, int], list[float]] = defaultdict(list)
    holiday: dict[int, list[float]] = defaultdict(list)
    for offset in range(7 * weeks):
        day = first + timedelta(days=offset)
        for hour in range(24):
            value = series.get((day, hour), 0.0)
            (holiday[hour] if is_holiday(day) else ordinary[(day.weekday(), hour)]).append(value)
    profile = Profile(
        weekday_hour={key: sum(values) / len(values) for key, values in ordinary.items()},
        holiday_hour={hour: sum(values) / len(values) for hour, values in holiday.items()},
    )
    profile.level = _recent_level(series, profile, last_day)
    return profile


def _recent_level(series: Hourly, profile: Profile, last_day: date) -> float:
    days = [last_day - timedelta(days=offset) for offset in range(14)]
    expected = sum(profile.day_total(day) for day in days)
    actual = sum(series.get((day, hour), 0.0) for day in days for hour in range(24))
    return actual / expected if expected else 1.0


def predict(profile: Profile, first_day: date, days: int = HORIZON_DAYS) -> dict[tuple[date, int], float]:
    return {
        (first_day + timedelta(days=offset), hour): profile.predict(first_day + timedelta(days=offset), hour)
        for offset in range(days)
        for hour in range(24)
    }


def backtest_mape(series: Hourly, last_day: date, *, holdout_days: int = HORIZON_DAYS) -> float | None:
    """Fit on the weeks before the last ``holdout_days`` days, forecast those, and return the MAPE (0..1)
    of the daily totals (days with no contacts are left out); None without enough data."""
    cutoff = last_day - timedelta(days=holdout_days)
    profile = fit(series, cutoff)
    errors = []
    for offset in range(1, holdout_days + 1):
        day = cutoff + timedelta(days=offset)
        actual = sum(series.get((day, hour), 0.0) for hour in range(24))
        if actual > 0:
            errors.append(abs(profile.day_total(day) - actual) / actual)
    return sum(errors) / len(errors) if errors else None


def history(channel: str = "", *, last_day: date | None = None, days: int = 7 * PROFILE_WEEKS + HORIZON_DAYS) -> Hourly:
    """Contacts per local (day, hour) from the cases opened in the ``days`` days up to ``last_day``."""
    last_day = last_day or timezone.localdate() - timedelta(days=1)
    tz = timezone.get_current_timezone()
    start = datetime.combine(last_day - timedelta(days=days - 1), datetime.min.time(), tz)
    end = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tz)
    cases = Case.objects.filter(created_at__gte=start, created_at__lt=end).exclude(status__in=("spam", "merged"))
    if channel:
        cases = cases.filter(channel=channel)
    hours = cases.annotate(hour=TruncHour("created_at", tzinfo=tz)).values("hour").annotate(n=Count("pk"))
    return {(row["hour"].date(), row["hour"].hour): float(row["n"]) for row in hours.order_by()}


def channel_forecast(channel: str = "", *, today: date | None = None) -> dict[tuple[date, int], float]:
    """The next 14 days from tomorrow, per hour, for one channel (or all with ``""``)."""
    today = today or timezone.localdate()
    series = history(channel, last_day=today - timedelta(days=1))
    return predict(fit(series, today - timedelta(days=1)), today + timedelta(days=1))
