"""Queue again the tasks whose worker died while running them (see ``heartbeat``).

A RUNNING task is stale when its worker (the last of its ``worker_ids``) has not beaten its heartbeat
for ``SORIDAM_WORKER_STALE_SECONDS``, or has no heartbeat row and started that long ago (a worker
without the heartbeat, or one that shut down). Tasks are idempotent (STYLE.md), so running one again
is safe; outbound delivery claims its row, so a message is still sent once per row.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from soridam.workers.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def requeue_stale_tasks(now: datetime | None = None) -> int:
    """Put the RUNNING tasks of dead workers back to READY; return how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.SORIDAM_WORKER_STALE_SECONDS)
    running = list(DBTaskResult.objects.running().values_list("id", "worker_ids", "started_at"))
    if not running:
        return 0
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gt=cutoff).values_list("worker_id", flat=True))
    stale = [
        task_id
        for task_id, worker_ids, started_at in running
        if (worker_ids[-1] if worker_ids else "") not in alive and (started_at is None or started_at <= cutoff)
    ]
    if not stale:
        return 0
    # Only rows still RUNNING: a task that finished since the read above keeps its result.
    requeued = DBTaskResult.objects.filter(id__in=stale, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, run_after=get_date_max()
    )
    WorkerHeartbeat.objects.filter(seen_at__lte=cutoff).delete()
    logger.warning("requeued tasks of dead workers", extra={"tasks": requeued})
    return requeued
