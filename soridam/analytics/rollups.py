"""The incremental refresh: facts of the cases that changed, then the rollups of the days whose sums moved.

Changed means: new since the last run (by id: bulk loads backdate ``updated_at``), updated since it (with
a short overlap for transactions that were still open), a survey answered since it, or facts that were not
settled yet and are due a second look (the 4-hour promise and the 7-day FCR window pass with no change to
the case). A day is touched only when a fact on it now counts differently: most second looks find nothing
new, and summing their days again would cost more than all the rest. Each touched day is summed again from
its facts, and each touched month from its days, by one INSERT … SELECT per table.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Sum, Value
from django.db.models.fields import DateField
from django.utils import timezone

from soridam.analytics.facts import compute_facts
from soridam.analytics.models import (
    CaseFact,
    DailyResponseTimes,
    DailyRollup,
    MonthlyResponseTimes,
    MonthlyRollup,
    RefreshMark,
)
from soridam.analytics.sums import DIMENSIONS, ROLLUP_COLUMNS, fact_sums
from soridam.cases.models import Case
from soridam.followup.models import Survey

MARK = "facts"
BATCH = 2000
DAYS_PER_STATEMENT = 200
OVERLAP = timedelta(minutes=2)
RECHECK_AFTER = timedelta(minutes=15)
RECHECK_LIMIT = 20_000
# The fact fields the rollups group by or sum: a fact whose values here are unchanged leaves its day as it was.
ROLLED_UP = (
    "opened_on",
    *DIMENSIONS,
    "first_response_seconds",
    "first_response_bucket",
    "answered_within_4h",
    "resolved",
    "resolution_seconds",
    "fcr",
    "sla_due",
    "sla_met",
    "csat",
    "bot_contained",
)
STORED = (*ROLLED_UP, "settled")


@dataclass(frozen=True)
class Refreshed:
    cases: int
    days: int
    seconds: float


def refresh(now: datetime | None = None) -> Refreshed:
    """Bring the facts and rollups up to date. Runs at most once at a time (the mark's row lock)."""
    started, now = time.perf_counter(), now or timezone.now()
    RefreshMark.objects.get_or_create(name=MARK)
    with transaction.atomic():
        mark = RefreshMark.objects.select_for_update(skip_locked=True).filter(name=MARK).first()
        if mark is None:  # another refresh is running
            return Refreshed(0, 0, 0.0)
        changed = _changed_case_ids(mark, now)
        days: set[date] = set()
        for chunk in _chunks(changed, BATCH):
            days |= store_facts(chunk, now)
        rebuild_days(days)
        rebuild_months({day.replace(day=1) for day in days})
        mark.last_case_id = max([mark.last_case_id, *changed], default=0) if changed else mark.last_case_id
        mark.cases_until = mark.surveys_until = mark.refreshed_at = now
        mark.save()
    return Refreshed(len(changed), len(days), time.perf_counter() - started)


def _changed_case_ids(mark: RefreshMark, now: datetime) -> list[int]:
    ids = set(Case.objects.filter(pk__gt=mark.last_case_id).values_list("pk", flat=True))
    if mark.cases_until is not None:
        updated = Case.objects.filter(updated_at__gt=mark.cases_until - OVERLAP, updated_at__lte=now)
        ids.update(updated.values_list("pk", flat=True))
    if mark.surveys_until is not None:
        answered = Survey.objects.filter(answered_at__gt=mark.surveys_until - OVERLAP)
        ids.update(answered.values_list("case_id", flat=True))
    unsettled = CaseFact.objects.filter(settled=False, computed_at__lt=now - RECHECK_AFTER).order_by("computed_at")
    ids.update(unsettled.values_list("case_id", flat=True)[:RECHECK_LIMIT])
    return sorted(ids)


def store_facts(case_ids: Sequence[int], now: datetime) -> set[date]:
    """Bring these cases' facts up to date; return the days whose rollups they change (before and after).
    A fact found as it was is kept, with its ``computed_at`` moved on so the next recheck looks at others."""
    facts = {fact.case_id: fact for fact in compute_facts(case_ids, now)}
    stored = CaseFact.objects.filter(case_id__in=case_ids).values_list("case_id", *STORED)
    old = {row[0]: row[1:] for row in stored}
    new = {case_id: tuple(getattr(fact, name) for name in STORED) for case_id, fact in facts.items()}
    kept = [case_id for case_id, values in new.items() if old.get(case_id) == values]
    replaced = [case_id for case_id in old.keys() | new.keys() if old.get(case_id) != new.get(case_id)]
    days = set()
    for case_id in replaced:
        before, after = old.get(case_id), new.get(case_id)
        if before is None or after is None or before[: len(ROLLED_UP)] != after[: len(ROLLED_UP)]:
            days |= {values[0] for values in (before, after) if values is not None}
    CaseFact.objects.filter(case_id__in=kept).update(computed_at=now)
    CaseFact.objects.filter(case_id__in=[case_id for case_id in replaced if case_id in old]).delete()
    _insert_facts([facts[case_id] for case_id in replaced if case_id in facts])
    return days


def _insert_facts(facts: Sequence[CaseFact]) -> None:
    """One executemany of plain values: ``bulk_create`` spent most of a refresh preparing each field."""
    if not facts:
        return
    fields = CaseFact._meta.concrete_fields
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(CaseFact._meta.db_table)} ({names}) VALUES ({values})"  # noqa: S608 - model names
    adapt = connection.ops.adapt_datetimefield_value
    rows = [tuple(_plain(getattr(fact, field.attname), adapt) for field in fields) for fact in facts]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _plain(value: Any, adapt: Callable[[datetime], Any]) -> Any:
    return adapt(value) if isinstance(value, datetime) else value


def rebuild_days(days: Iterable[date]) -> None:
    """Sum each day's facts into its rollup rows again."""
    for chunk in _chunks(sorted(days), DAYS_PER_STATEMENT):
        DailyRollup.objects.filter(day__in=chunk).delete()
        DailyResponseTimes.objects.filter(day__in=chunk).delete()
        facts = CaseFact.objects.filter(opened_on__in=chunk).order_by()
        sums = facts.values("opened_on", *DIMENSIONS).annotate(**fact_sums())
        _insert_from(DailyRollup, ["day", *DIMENSIONS, *ROLLUP_COLUMNS.values()], sums.query.sql_with_params())
        buckets = facts.filter(first_response_bucket__isnull=False).values(
            "opened_on", *DIMENSIONS, "first_response_bucket"
        )
        counts = buckets.annotate(n=Count("pk"))
        _insert_from(DailyResponseTimes, ["day", *DIMENSIONS, "bucket", "count"], counts.query.sql_with_params())


def rebuild_months(months: Iterable[date]) -> None:
    """Sum each month's daily rollup rows into its monthly ones again (``months`` are first days)."""
    for month in sorted(months):
        in_month = {"day__gte": month, "day__lt": (month + timedelta(days=32)).replace(day=1)}
        MonthlyRollup.objects.filter(day=month).delete()
        MonthlyResponseTimes.objects.filter(day=month).delete()
        first_day = Value(month, output_field=DateField())
        sums = DailyRollup.objects.filter(**in_month).order_by().values(*DIMENSIONS)
        sums = sums.annotate(month=first_day, **{column: Sum(column) for column in ROLLUP_COLUMNS.values()})
        _insert_from(MonthlyRollup, [*DIMENSIONS, "day", *ROLLUP_COLUMNS.values()], sums.query.sql_with_params())
        counts = DailyResponseTimes.objects.filter(**in_month).order_by().values(*DIMENSIONS, "bucket")
        counts = counts.annotate(month=first_day, n=Sum("count"))
        _insert_from(MonthlyResponseTimes, [*DIMENSIONS, "bucket", "day", "count"], counts.query.sql_with_params())


def _insert_from(model: type[Any], columns: list[str], select: tuple[str, Any]) -> None:
    """INSERT … SELECT: the day's sums never travel through Python."""
    sql, params = select
    quote = connection.ops.quote_name
    target = f"{quote(model._meta.db_table)} ({', '.join(quote(column) for column in columns)})"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {target} {sql}", params)  # noqa: S608 - names from our own models


def rebuild_all() -> Refreshed:
    """Forget every fact and build them all again (after a change of definitions)."""
    RefreshMark.objects.filter(name=MARK).delete()
    CaseFact.objects.all().delete()
    return refresh()


def latest_refresh() -> datetime | None:
    mark = RefreshMark.objects.filter(name=MARK).first()
    return mark.refreshed_at if mark is not None else None


def _chunks(items: Sequence[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
