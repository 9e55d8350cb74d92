"""Privacy jobs, run by the scheduler (``sla/periodic.py``): the daily purge and the overdue-request alert."""

from __future__ import annotations

from django_tasks import task

from soridam.privacy import dsr, retention


@task()
def purge_expired() -> int:
    """Destroy what has outlived its retention period (R-SEC-7), the access log's two years included (its
    retention class); returns how many rows."""
    return sum(retention.purge().values())


@task()
def alert_overdue_requests() -> int:
    return dsr.alert_overdue()
