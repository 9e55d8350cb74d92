"""Planner statistics for a PostgreSQL whose autovacuum is off.

PostgreSQL plans each statement from the statistics ANALYZE gathers, and autovacuum gathers them as tables
grow. With autovacuum off (`SHOW autovacuum`: the machine the benchmarks and CI run on has it off), a table that
was created empty keeps its "empty" statistics however large it grows, and a statement prepared while it was small
keeps that plan for as long as the connection lives: the chat's resend lookup scanned the whole message table
on every group commit (5.4 ms a call at 60,000 rows, two thirds of the database's time in bench/chat.py), and
the chat's push query did the same five times a second.

A long-running process (the chat's ASGI process, each task worker) keeps a ``StatisticsKeeper``: every
``SORIDAM_ANALYZE_SECONDS`` it analyzes the tables that have changed by more rows than they had at their last
ANALYZE (plus ``autovacuum_analyze_threshold``): a growing table is analyzed each time it doubles. An
ANALYZE invalidates the plans kept for its table, so prepared statements are planned again from real figures.
One process at a time does it (an advisory lock), and none does anything where autovacuum is on or the
database is SQLite (which plans without statistics).
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connection, transaction

logger = logging.getLogger(__name__)

_LOCK_KEY = 7_406_331_212  # pg_try_advisory_xact_lock: one keeper at a time on the database
# A plan changes with the order of magnitude of a table, not with its last tenth: a table is analyzed again
# once it has changed by as many rows as it had (beyond autovacuum's base threshold). Autovacuum's 10 % analyzed
# the task table every few seconds while a burst filled it, at 300 ms each (bench/README.md).
_STALE = """
    SELECT quote_ident(s.schemaname) || '.' || quote_ident(s.relname)
    FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
    WHERE s.n_mod_since_analyze > current_setting('autovacuum_analyze_threshold')::float8 + greatest(c.reltuples, 0)
    ORDER BY s.n_mod_since_analyze DESC"""


def autovacuum_off() -> bool:
    """True on a PostgreSQL database whose autovacuum does not run (nobody else keeps the statistics)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('autovacuum') = 'off'")
        (off,) = cursor.fetchone()
    return bool(off)


def stale_tables() -> list[str]:
    """The tables whose plans may no longer fit them, most changed first (quoted names)."""
    with connection.cursor() as cursor:
        cursor.execute(_STALE)
        return [name for (name,) in cursor.fetchall()]


def analyze_stale_tables() -> list[str]:
    """ANALYZE each stale table, unless another process is doing it now; the tables analyzed."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK_KEY])
        (locked,) = cursor.fetchone()
        if not locked:
            return []
        tables = stale_tables()
        for table in tables:
            cursor.execute(f"ANALYZE {table}")  # noqa: S608 - quote_ident'ed names from the catalogue
    return tables


class StatisticsKeeper:
    """A daemon thread that analyzes stale tables every ``SORIDAM_ANALYZE_SECONDS`` while autovacuum is off."""

    def __init__(self) -> None:
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="statistics-keeper", daemon=True)

    def start(self) -> None:
        if settings.SORIDAM_ANALYZE_SECONDS and connection.vendor == "postgresql":
            self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stopped.wait(settings.SORIDAM_ANALYZE_SECONDS):
            try:
                if autovacuum_off() and (analyzed := analyze_stale_tables()):
                    logger.info("analyzed tables", extra={"tables": analyzed})
            except DatabaseError:  # the database is restarting, say: at the next round
                logger.warning("analyzing stale tables failed", exc_info=True)
            finally:
                connection.close()  # this thread's own; none held between rounds (a test database can be dropped)
