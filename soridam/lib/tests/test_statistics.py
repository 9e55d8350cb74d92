"""A grown table gets statistics when autovacuum does not give them (``lib.statistics``)."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from soridam.lib import statistics
from soridam.workers.models import WorkerHeartbeat

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics"),
    pytest.mark.django_db(transaction=True),  # the counters count committed rows only
]
TABLE = "public.workers_workerheartbeat"


def _grow(rows: int) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.bulk_create(WorkerHeartbeat(worker_id=f"w{i}", pid=i, seen_at=now) for i in range(rows))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")  # the counters reach the view when this ends


def _estimated_rows() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [TABLE])
        (rows,) = cursor.fetchone()
    return float(rows)


def test_a_grown_table_is_analyzed_once_and_the_planner_sees_its_rows() -> None:
    _grow(700)  # more rows changed than 50 + the rows known (no other test grows 700)
    assert TABLE in statistics.stale_tables()

    assert TABLE in statistics.analyze_stale_tables()

    assert _estimated_rows() == 700
    assert TABLE not in statistics.stale_tables()


def test_a_few_changes_to_a_known_table_are_left_alone() -> None:
    _grow(500)
    statistics.analyze_stale_tables()
    WorkerHeartbeat.objects.filter(pid__lt=400).delete()  # 400 changes: under 50 + the 500 rows known
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
    assert TABLE not in statistics.stale_tables()


def test_one_process_at_a_time_analyzes() -> None:
    _grow(500)
    settings = connection.get_connection_params()
    with psycopg.connect(**settings, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [statistics._LOCK_KEY])
        assert statistics.analyze_stale_tables() == []
    assert TABLE in statistics.stale_tables()


def test_the_keeper_runs_only_where_autovacuum_does_not() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        (setting,) = cursor.fetchone()
    assert statistics.autovacuum_off() is (setting == "off")
