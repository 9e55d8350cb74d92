"""The neutrals' periodic jobs (scheduled in ``sla/periodic.py``)."""

from __future__ import annotations

from django_tasks import task

from soridam.lib import jobs
from soridam.neutrals import outcomes, selection


@task(priority=jobs.CASE_FLOW)
def appoint_due_neutrals() -> int:
    """Appoint the neutrals whose objection window closed with no objection."""
    return selection.appoint_due()


@task(priority=jobs.BACKGROUND)
def raise_neutral_outliers() -> int:
    return len(outcomes.raise_outlier_alerts())
