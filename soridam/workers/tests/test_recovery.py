"""Tasks left RUNNING by a dead worker are queued again; a live worker's task is left alone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import get_commands
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from soridam.sla.periodic import SCHEDULE
from soridam.workers.heartbeat import Heartbeat
from soridam.workers.models import WorkerHeartbeat
from soridam.workers.recovery import requeue_stale_tasks

pytestmark = pytest.mark.django_db


def _running(worker_id: str, started_seconds_ago: float) -> DBTaskResult[Any, Any]:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="soridam.notifications.tasks.deliver_outbound",
        backend_name="default",
        run_after=get_date_max(),
        started_at=timezone.now() - timedelta(seconds=started_seconds_ago),
        worker_ids=[worker_id],
    )


def test_the_task_of_a_silent_worker_is_queued_again_and_a_live_or_fresh_ones_is_not(settings: Any) -> None:
    settings.SORIDAM_WORKER_STALE_SECONDS = 60
    old = timezone.now() - timedelta(minutes=5)
    WorkerHeartbeat.objects.create(worker_id="dead", pid=1, seen_at=old)
    WorkerHeartbeat.objects.create(worker_id="alive", pid=2)
    dead, alive = _running("dead", 600), _running("alive", 600)
    unknown_old, unknown_new = _running("never-beat", 600), _running("just-claimed", 1)

    assert requeue_stale_tasks() == 2

    states = {row.pk: row.status for row in DBTaskResult.objects.all()}
    assert states[dead.pk] == states[unknown_old.pk] == TaskResultStatus.READY
    assert states[alive.pk] == states[unknown_new.pk] == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.ready().filter(pk=dead.pk).exists()  # due at once, not some day
    assert not WorkerHeartbeat.objects.filter(worker_id="dead").exists()


def test_a_heartbeat_keeps_its_workers_task_running_and_goes_away_with_the_worker(settings: Any) -> None:
    settings.SORIDAM_WORKER_STALE_SECONDS = 60
    heartbeat = Heartbeat("worker-1")
    heartbeat.beat()
    task = _running("worker-1", 600)
    assert requeue_stale_tasks() == 0
    heartbeat.stop()
    assert not WorkerHeartbeat.objects.filter(worker_id="worker-1").exists()
    assert requeue_stale_tasks() == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY


def test_db_worker_is_the_one_with_the_heartbeat_and_the_sweeps_are_scheduled() -> None:
    assert get_commands()["db_worker"] == "soridam.workers"
    paths = {job.task_path for job in SCHEDULE}
    assert "soridam.workers.tasks.requeue_stale_tasks" in paths
    assert "soridam.notifications.tasks.sweep_outbox" in paths
