"""Capped counts of several querysets in one round trip.

An exact ``COUNT(*)`` of a big selection reads every matching row: at a million cases "all open" costs tens
of milliseconds and grows with the table. A person reading a badge only needs to know "a lot" past some
point, so each count reads at most ``cap`` rows (``SELECT COUNT(*) FROM (… LIMIT cap)``): the database
stops walking its index there. All the counts go out as one ``SELECT (…), (…), …`` statement, which both
SQLite and PostgreSQL run as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet


def capped_counts(querysets: Sequence[QuerySet[Any]], cap: int) -> list[int]:
    """How many rows each queryset selects, each stopped at ``cap``. One query, none for an empty list.
    Every queryset must read the same database."""
    if not querysets:
        return []
    parts: list[str] = []
    params: list[Any] = []
    for number, queryset in enumerate(querysets):
        # The primary key only and no ORDER BY: the database may stop at the first ``cap`` rows it finds.
        limited = queryset.order_by().values("pk")[:cap]
        try:
            sql, sql_params = limited.query.get_compiler(using=queryset.db).as_sql()
        except EmptyResultSet:  # ``none()`` or ``__in=[]``: Django refuses to write SQL that can match nothing
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) capped_{number})")  # noqa: S608 - SQL from the ORM compiler
        params.extend(sql_params)
    with connections[querysets[0].db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)  # noqa: S608 - SQL from the ORM compiler, values as parameters
        row = cursor.fetchone()
    return [int(value) for value in row]
