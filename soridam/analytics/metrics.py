"""The dashboard's measures (SPEC R-ANALYTICS-2), summed by the database.

Past days come from the rollups: a period over 90 days reads its whole months from the monthly rollups and
only the days at its two ends from the daily ones, and is charted by month. Today is summed live from
today's facts with the same aggregates (``sums.fact_sums``). The ratios are taken only after summing, so a
day with 1 case and a day with 1,000 weigh what they should.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from soridam.analytics.models import (
    FRT_EDGES_MINUTES,
    CaseFact,
    DailyResponseTimes,
    DailyRollup,
    MonthlyResponseTimes,
    MonthlyRollup,
)
from soridam.analytics.sums import ROLLUP_COLUMNS, fact_sums
from soridam.cases.models import ACTIVE_STATUSES, Case
from soridam.followup.models import NpsSurvey
from soridam.followup.nps import nps_score

COLUMNS = tuple(ROLLUP_COLUMNS.values())
SUMMED = {column: Sum(column) for column in COLUMNS}
MONTHS_AFTER_DAYS = 90  # longer periods read whole months from the monthly rollups and are charted by month
BACKLOG_AGES = ((1, "under_1"), (3, "days_1_3"), (7, "days_3_7"), (14, "days_7_14"), (None, "over_14"))
Sums = dict[str, int]


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # inclusive
    teams: tuple[int, ...] | None = None  # None: every team (and cases without one)
    agent_id: int | None = None
    channel: str = ""
    category_id: int | None = None

    def dimension_filter(self) -> Q:
        """The filter on rollup rows and facts (their agent column is ``agent_id``)."""
        q = Q()
        if self.teams is not None:
            q &= Q(team_id__in=self.teams)
        if self.agent_id is not None:
            q &= Q(agent_id=self.agent_id)
        if self.channel:
            q &= Q(channel=self.channel)
        if self.category_id is not None:
            q &= Q(category_id=self.category_id)
        return q


@dataclass(frozen=True)
class Figures:
    volume: int
    frt_median: float | None  # seconds of business time
    frt_p90: float | None
    frt_mean: float | None
    within_4h: float | None  # shares, 0..1
    resolution_mean: float | None
    fcr: float | None
    sla_attainment: float | None
    csat: float | None  # mean of 1-5
    csat_satisfied: float | None
    csat_answers: int
    bot_contained: int


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def figures(sums: Sums, histogram: list[int]) -> Figures:
    """The measures from summed rollup columns and the first-response histogram."""
    return Figures(
        volume=sums.get("cases", 0),
        frt_median=percentile(histogram, 0.5),
        frt_p90=percentile(histogram, 0.9),
        frt_mean=_ratio(sums.get("first_response_seconds", 0), sums.get("responded", 0)),
        within_4h=_ratio(sums.get("within_4h", 0), sums.get("within_4h_decided", 0)),
        resolution_mean=_ratio(sums.get("resolution_seconds", 0), sums.get("resolved", 0)),
        fcr=_ratio(sums.get("fcr", 0), sums.get("fcr_decided", 0)),
        sla_attainment=_ratio(sums.get("sla_met", 0), sums.get("sla_due", 0)),
        csat=_ratio(sums.get("csat_total", 0), sums.get("csat_answers", 0)),
        csat_satisfied=_ratio(sums.get("csat_satisfied", 0), sums.get("csat_answers", 0)),
        csat_answers=sums.get("csat_answers", 0),
        bot_contained=sums.get("bot_contained", 0),
    )


def percentile(histogram: list[int], share: float) -> float | None:
    """The ``share`` quantile in seconds, interpolated linearly inside its bucket; None with no data."""
    total = sum(histogram)
    if not total:
        return None
    rank, seen = share * total, 0
    for bucket, count in enumerate(histogram):
        if count and seen + count >= rank:
            low = FRT_EDGES_MINUTES[bucket - 1] if bucket else 0
            high = FRT_EDGES_MINUTES[bucket] if bucket < len(FRT_EDGES_MINUTES) else low * 2
            return 60 * (low + (high - low) * (rank - seen) / count)
        seen += count
    return None  # pragma: no cover - the loop always reaches the rank


def today() -> date:
    return timezone.localdate()


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def by_month(filters: Filters) -> bool:
    return (filters.end - filters.start).days + 1 > MONTHS_AFTER_DAYS


def rollups(filters: Filters) -> QuerySet[DailyRollup]:
    """Daily rollup rows of the past days in the period (today is live)."""
    last = min(filters.end, today() - timedelta(days=1))
    return DailyRollup.objects.filter(filters.dimension_filter(), day__gte=filters.start, day__lte=last)


def _past(filters: Filters, daily: type[Any], monthly: type[Any]) -> list[QuerySet[Any]]:
    """The rollup rows of the past days in the period: whole months from ``monthly`` when the period is long,
    the days before the first whole month and after the last one from ``daily``."""
    last = min(filters.end, today() - timedelta(days=1))
    if last < filters.start:
        return []
    first_whole = filters.start if filters.start.day == 1 else next_month(filters.start)
    after_whole = month_of(last + timedelta(days=1))
    if not by_month(filters) or first_whole >= after_whole:
        return [daily.objects.filter(filters.dimension_filter(), day__gte=filters.start, day__lte=last)]
    ends = Q(day__gte=filters.start, day__lt=first_whole) | Q(day__gte=after_whole, day__lte=last)
    return [
        daily.objects.filter(filters.dimension_filter(), ends),
        monthly.objects.filter(filters.dimension_filter(), day__gte=first_whole, day__lt=after_whole),
    ]


def today_facts(filters: Filters) -> QuerySet[CaseFact]:
    if not filters.start <= today() <= filters.end:
        return CaseFact.objects.none()
    return CaseFact.objects.filter(filters.dimension_filter(), opened_on=today())


def _renamed(row: dict[str, Any]) -> Sums:
    return {column: int(row.get(name) or 0) for name, column in ROLLUP_COLUMNS.items()}


def _summed(row: dict[str, Any]) -> Sums:
    return {column: int(row.get(column) or 0) for column in COLUMNS}


def _add(into: Sums, more: Sums) -> None:
    for column, value in more.items():
        into[column] = into.get(column, 0) + value


def series(filters: Filters) -> list[tuple[date, Sums]]:
    """The sums of each day of the period that has cases, in order; of each month (its first day) when
    ``by_month``."""
    point = month_of if by_month(filters) else (lambda day: day)
    points: dict[date, Sums] = {}
    for past in _past(filters, DailyRollup, MonthlyRollup):
        for row in past.values("day").annotate(**SUMMED).order_by():
            _add(points.setdefault(point(row["day"]), {}), _summed(row))
    live = today_facts(filters).aggregate(**fact_sums())
    if live["cases"]:
        _add(points.setdefault(point(today()), {}), _renamed(live))
    return sorted(points.items())


def totals(days: Iterable[tuple[date, Sums]]) -> Sums:
    summed: Sums = {}
    for _day, sums in days:
        _add(summed, sums)
    return summed


def breakdowns(filters: Filters, dimensions: Sequence[str]) -> dict[str, dict[Any, Sums]]:
    """The sums by each of ``dimensions`` (``channel``, ``team_id``, ``agent_id``, ``category_id``) over the
    period, from one grouping by all of them: one scan of the rollups however many breakdowns the page shows."""
    result: dict[str, dict[Any, Sums]] = {dimension: {} for dimension in dimensions}
    rows = [
        (row, _summed(row))
        for past in _past(filters, DailyRollup, MonthlyRollup)
        for row in past.values(*dimensions).annotate(**SUMMED).order_by()
    ]
    rows += [
        (row, _renamed(row)) for row in today_facts(filters).values(*dimensions).annotate(**fact_sums()).order_by()
    ]
    for row, sums in rows:
        for dimension in dimensions:
            _add(result[dimension].setdefault(row[dimension], {}), sums)
    return result


def response_time_histogram(filters: Filters) -> list[int]:
    """First responses per ``FRT_EDGES_MINUTES`` bucket over the period."""
    histogram = [0] * (len(FRT_EDGES_MINUTES) + 1)
    for past in _past(filters, DailyResponseTimes, MonthlyResponseTimes):
        for bucket, count in past.values("bucket").annotate(n=Sum("count")).values_list("bucket", "n").order_by():
            histogram[bucket] += count
    live = today_facts(filters).filter(first_response_bucket__isnull=False).values("first_response_bucket")
    for live_bucket, live_count in live.annotate(n=Count("pk")).values_list("first_response_bucket", "n").order_by():
        histogram[live_bucket or 0] += live_count
    return histogram


def backlog_by_age(filters: Filters, now: datetime | None = None) -> list[tuple[str, int]]:
    """Open and waiting cases now, by age (live: the partial index of active cases answers it)."""
    now = now or timezone.now()
    active = Case.objects.filter(_case_filter(filters), status__in=ACTIVE_STATUSES)
    counts: dict[str, Any] = {}
    younger: int | None = 0
    for days, label in BACKLOG_AGES:
        q = Q(created_at__lte=now - timedelta(days=younger or 0))
        if days is not None:
            q &= Q(created_at__gt=now - timedelta(days=days))
        counts[label] = Count("pk", filter=q)
        younger = days
    row = active.aggregate(**counts)
    return [(label, row[label]) for _days, label in BACKLOG_AGES]


def _case_filter(filters: Filters) -> Q:
    q = Q()
    if filters.teams is not None:
        q &= Q(team_id__in=filters.teams)
    if filters.agent_id is not None:
        q &= Q(assignee_id=filters.agent_id)
    if filters.channel:
        q &= Q(channel=filters.channel)
    if filters.category_id is not None:
        q &= Q(category_id=filters.category_id)
    return q


def nps(filters: Filters | None = None) -> float | None:
    """NPS (% 9–10 − % 0–6) of the answers given in the period. NPS is about the customer, not a case's
    team or channel, so only the period filters it; None (shown "no data") without answers."""
    answers = NpsSurvey.objects.all()
    if filters is not None:
        start = datetime.combine(filters.start, datetime.min.time(), timezone.get_current_timezone())
        answers = answers.filter(
            answered_at__gte=start, answered_at__lt=start + timedelta(days=(filters.end - filters.start).days + 1)
        )
    return nps_score(answers)
