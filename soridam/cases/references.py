"""Case numbers of the form C-YYYY-NNNNNN, allocated without a global lock.

On PostgreSQL a sequence hands out numbers outside the transaction, so concurrent intakes never wait
on each other. Elsewhere (SQLite) a counter row is bumped; SQLite serialises writers anyway.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.db.models import F

from soridam.cases.models import CaseNumberCounter

SEQUENCE = "cases_case_number_seq"


def allocate_numbers(count: int) -> list[int]:
    """Reserve ``count`` consecutive-or-not unique case numbers."""
    if count <= 0:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT nextval('{SEQUENCE}') FROM generate_series(1, %s)", [count])  # noqa: S608
            return [row[0] for row in cursor.fetchall()]
    counter, _created = CaseNumberCounter.objects.get_or_create(name="case")
    CaseNumberCounter.objects.filter(pk=counter.pk).update(last=F("last") + count)
    last = CaseNumberCounter.objects.values_list("last", flat=True).get(pk=counter.pk)
    return list(range(last - count + 1, last + 1))


def format_reference(number: int, when: datetime) -> str:
    return f"C-{when.year}-{number:06d}"
