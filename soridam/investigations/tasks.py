"""Investigation jobs, run by the scheduler (``sla/periodic.py``)."""

from __future__ import annotations

from django_tasks import task

from soridam.investigations import overdue


@task()
def alert_overdue_tasks() -> int:
    return overdue.alert_overdue()
