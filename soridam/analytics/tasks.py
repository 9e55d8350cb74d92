"""Analytics jobs: the rollup refresh (every minute, and after bulk loads) and the weekly e-mail report."""

from __future__ import annotations

from django_tasks import task

from soridam.analytics import report, rollups
from soridam.lib import jobs


@task(priority=jobs.BACKGROUND)
def refresh_rollups() -> int:
    """Bring the facts and daily rollups up to date; a second run at the same time returns at once."""
    return rollups.refresh().cases


@task(priority=jobs.BACKGROUND)
def send_weekly_reports() -> int:
    return report.send_due()
