"""Tasks for ``test_customer_lane``: importable by the worker process the test starts."""

from __future__ import annotations

import time

from django_tasks import task

from soridam.lib import jobs


@task(priority=jobs.CASE_FLOW)
def slow_pool_job(seconds: float) -> None:
    time.sleep(seconds)


@task(priority=jobs.CUSTOMER)
def customer_job() -> None:
    """Stands for an acknowledgement: it must not wait for the slow job."""
