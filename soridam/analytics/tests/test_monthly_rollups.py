"""A long period reads whole months from the monthly rollups: the figures must be the daily ones'."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine

from soridam.accounts.models import User
from soridam.analytics import metrics, rollups
from soridam.analytics.models import DailyResponseTimes, DailyRollup, MonthlyResponseTimes, MonthlyRollup
from soridam.analytics.sums import DIMENSIONS
from soridam.analytics.tests.conftest import kst
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, Status
from soridam.sla.models import SlaPolicy

pytestmark = pytest.mark.django_db
NOW = kst(2026, 11, 25, 15, 0)
PERIOD = metrics.Filters(date(2026, 7, 15), NOW.date())  # 134 days: July and November in days, Aug-Oct whole
# When each case opened, minutes to its first answer (None: never answered), its category.
OPENINGS: list[tuple[datetime, int | None, str]] = [
    (kst(2026, 7, 20, 10, 0), 30, "delivery"),
    (kst(2026, 7, 31, 17, 0), 90, "payment"),
    (kst(2026, 8, 3, 9, 0), 200, "delivery"),
    (kst(2026, 8, 20, 11, 0), None, "payment"),
    (kst(2026, 9, 15, 10, 0), 45, "delivery"),
    (kst(2026, 10, 30, 14, 0), 20, "delivery"),
    (kst(2026, 11, 24, 10, 0), 600, "payment"),
    (kst(2026, 11, 25, 9, 30), 15, "delivery"),
]


@pytest.fixture
def months_of_cases(policy: SlaPolicy, make_case: Callable[..., Case], alice: User, bob: User) -> list[Case]:
    cases = []
    for index, (opened, minutes, category) in enumerate(OPENINGS):
        agent = alice if category == "delivery" else bob  # each works in the category's team
        with time_machine.travel(opened, tick=False):
            case = make_case(email=f"m{index}@example.kr", category=category)
            actions.assign(case, agent, actor=Actor(user=agent))
        if minutes is not None:
            with time_machine.travel(opened + timedelta(minutes=minutes), tick=False):
                actions.reply(case, "Answer.", actor=Actor(user=agent))
                if index % 3 == 0:
                    actions.change_status(case, Status.SOLVED, actor=Actor(user=agent))
        cases.append(case)
    with time_machine.travel(NOW, tick=False):
        rollups.refresh()
    return cases


def _by_month(model: type[Any], keys: tuple[str, ...], columns: tuple[str, ...]) -> dict[tuple[Any, ...], list[int]]:
    summed: dict[tuple[Any, ...], list[int]] = {}
    for row in model.objects.values("day", *keys, *columns):
        into = summed.setdefault((metrics.month_of(row["day"]), *(row[key] for key in keys)), [0] * len(columns))
        for position, column in enumerate(columns):
            into[position] += row[column]
    return summed


def _assert_months_sum_their_days() -> None:
    assert _by_month(MonthlyRollup, DIMENSIONS, metrics.COLUMNS) == _by_month(DailyRollup, DIMENSIONS, metrics.COLUMNS)
    buckets = (*DIMENSIONS, "bucket")
    assert _by_month(MonthlyResponseTimes, buckets, ("count",)) == _by_month(DailyResponseTimes, buckets, ("count",))


def _read(filters: metrics.Filters) -> tuple[Any, ...]:
    series = metrics.series(filters)
    monthly: dict[date, metrics.Sums] = {}
    for day, sums in series:
        metrics._add(monthly.setdefault(metrics.month_of(day), {}), sums)
    breakdowns = metrics.breakdowns(filters, DIMENSIONS)
    return sorted(monthly.items()), metrics.response_time_histogram(filters), breakdowns


def test_each_month_sums_its_days(months_of_cases: list[Case]) -> None:
    _assert_months_sum_their_days()
    assert MonthlyRollup.objects.values("day").distinct().count() == 5  # July to November
    assert sum(MonthlyResponseTimes.objects.values_list("count", flat=True)) == 7  # today's rows are written too


def test_a_long_period_shows_what_its_days_add_up_to(
    months_of_cases: list[Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    with time_machine.travel(NOW, tick=False):
        assert metrics.by_month(PERIOD)
        from_months = _read(PERIOD)
        monkeypatch.setattr(metrics, "MONTHS_AFTER_DAYS", 1000)  # the same period from the daily rows only
        from_days = _read(PERIOD)
    assert from_months == from_days
    months, histogram, breakdowns = from_months
    assert [(month.isoformat(), sums["cases"]) for month, sums in months] == [
        ("2026-07-01", 2),
        ("2026-08-01", 2),
        ("2026-09-01", 1),
        ("2026-10-01", 1),
        ("2026-11-01", 2),
    ]
    assert sum(histogram) == 7  # every answer, today's live one too
    assert sum(sums["cases"] for sums in breakdowns["channel"].values()) == 8


def test_a_change_to_an_old_case_reaches_its_month_and_a_recheck_that_finds_nothing_touches_no_day(
    months_of_cases: list[Case], lena: User
) -> None:
    later = NOW + timedelta(minutes=20)  # the unsettled facts are due a second look, and nothing changed
    with time_machine.travel(later, tick=False):
        recheck = rollups.refresh()
    assert recheck.cases > 0
    assert recheck.days == 0
    old = months_of_cases[3]  # 2026-08-20, never answered
    with time_machine.travel(later + timedelta(minutes=5), tick=False):
        actions.reply(old, "Sorry, here it is.", actor=Actor(user=lena))
    with time_machine.travel(later + timedelta(minutes=10), tick=False):
        refreshed = rollups.refresh()
    assert refreshed.days == 1
    _assert_months_sum_their_days()
    august = MonthlyRollup.objects.filter(day=date(2026, 8, 1))
    assert sum(august.values_list("responded", flat=True)) == 2
