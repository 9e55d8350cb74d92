from __future__ import annotations

from django_tasks import task

from soridam.lib import jobs
from soridam.workers import recovery


@task(priority=jobs.CUSTOMER)
def requeue_stale_tasks() -> int:
    """Periodic (``sla/periodic.py``): tasks of workers that died mid-task run again."""
    return recovery.requeue_stale_tasks()
