"""The task loop of ``manage.py db_worker``: django-tasks-db's, claiming a batch of one task at a time.

django-tasks-db claims one row per transaction (``SELECT … FOR UPDATE SKIP LOCKED``), runs it and records it:
three statements and a task import per case and job, which held the pipeline near 5 cases/s. Here the highest
priority ready row is claimed as before; when its task has a batch handler (``lib.jobs.batch_of``), up to
``SORIDAM_WORKER_BATCH`` ready rows of the same task are claimed with it in the same locked statement, run in one call,
and recorded in one UPDATE. Rows are locked with ``SKIP LOCKED`` and claimed (RUNNING, this worker's id) before
the transaction commits, so several workers never take the same row; a worker killed mid-batch leaves its rows
RUNNING for ``recovery`` to queue again, and every task (and batch handler) is idempotent.

Each worker also queues the dead workers' tasks again when it starts and every
``SORIDAM_WORKER_STALE_SECONDS``, so a pool recovers from a killed member without waiting for the scheduler.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from typing import Any

from django.conf import settings
from django.db import OperationalError, close_old_connections, connection
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from soridam.lib import jobs
from soridam.workers.recovery import requeue_stale_tasks

logger = logging.getLogger(__name__)

Row = DBTaskResult[Any, Any]


class BatchWorker(Worker):
    min_priority: int | None = None  # serve only rows at or above it (the customer lane, ``CustomerLane``)

    def run(self) -> None:
        logger.info("Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 - a pool started at once does not poll in step
        next_recovery = time.monotonic()
        while self.running:
            close_old_connections()
            # First at start: a restarted pool (or a --batch run) takes back what its killed members held.
            if time.monotonic() >= next_recovery:
                with contextlib.suppress(OperationalError):  # a locked SQLite file: at the next round
                    requeue_stale_tasks()
                next_recovery = time.monotonic() + settings.SORIDAM_WORKER_STALE_SECONDS
            try:
                rows = self.claim()
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                rows = None  # a locked SQLite file: try again
            if rows:
                self.run_rows(rows)
            if self.batch and rows == []:
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            close_old_connections()
            if self.running and not rows:
                time.sleep(self.interval)

    def ready(self) -> Any:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        if self.min_priority is not None:
            tasks = tasks.filter(priority__gte=self.min_priority)
        return tasks

    def claim(self) -> list[Row]:
        """Lock and claim the next row and, if its task runs in batches, more ready rows of that task."""
        tasks = self.ready()
        with exclusive_transaction(tasks.db):
            first = tasks.get_locked()
            if first is None:
                return []
            rows = [first]
            limit = settings.SORIDAM_WORKER_BATCH
            if self.max_tasks is not None:
                limit = min(limit, self.max_tasks - self._run_tasks)
            if limit > 1 and _handler(first.task_path) is not None:
                same = tasks.filter(task_path=first.task_path, priority=first.priority).exclude(pk=first.pk)
                rows += list(same.select_for_update(skip_locked=True)[: limit - 1])
            _mark_running(rows, self.worker_id)
        return rows

    def run_rows(self, rows: list[Row]) -> None:
        handler = _handler(rows[0].task_path) if len(rows) > 1 else None
        if handler is None or any(len(row.args_kwargs["args"]) != 1 or row.args_kwargs["kwargs"] for row in rows):
            for row in rows:
                self.run_task(row)
            return
        try:
            self.running_task = True
            handler([row.args_kwargs["args"][0] for row in rows])
        except Exception:  # noqa: BLE001 - any failure: each row then runs alone and records its own error
            logger.warning("batch failed; running its tasks one by one", extra={"task": rows[0].task_path})
            for row in rows:
                self.run_task(row)
            return
        finally:
            self.running_task = False
        _record_successes(rows)
        self._run_tasks += len(rows)


class CustomerLane(threading.Thread):
    """A second loop in a pool worker's process serving only customer mail and chat (``--customer-lane``).

    An acknowledgement must never wait behind a batch of triage or indexing, which used to take a process of its
    own (about 110 MiB of Django, bench/stack_memory.py). A thread does the same: the pool worker's long batches
    release the interpreter every few milliseconds (and while they wait for the database), and a sending task
    waits on the network. It claims under its process's worker id, so the heartbeat covers both loops and a
    killed process's rows are requeued together."""

    def __init__(self, pool_worker: BatchWorker, interval: float) -> None:
        super().__init__(name="customer lane", daemon=True)
        self.worker = BatchWorker(
            queue_names=pool_worker.queue_names,
            interval=interval,
            batch=False,
            backend_name=pool_worker.backend_name,
            startup_delay=False,
            max_tasks=None,
            worker_id=pool_worker.worker_id,
            excluded_queue_names=pool_worker.excluded_queue_names,
        )
        self.worker.min_priority = jobs.CUSTOMER

    def run(self) -> None:
        try:
            self.worker.run()
        finally:
            connection.close()

    def stop(self, timeout: float) -> None:
        """Let the task in hand finish (the supervisor kills the process if it takes too long)."""
        self.worker.running = False
        self.join(timeout)


def _handler(task_path: str) -> jobs.BatchHandler | None:
    try:
        return jobs.batch_handler(task_path)
    except (ImportError, TypeError):  # a row naming a task that is gone: run_task records the failure
        return None


def _mark_running(rows: list[Row], worker_id: str) -> None:
    """Claim the rows for this worker: one UPDATE for the rows that share their earlier workers (a row never
    run before has none, so nearly always one UPDATE). ``bulk_update`` wrote a CASE per row and field,
    and cost more CPU than running an index task."""
    now = timezone.now()
    same_history: dict[tuple[str, ...], list[Row]] = {}
    for row in rows:
        row.status, row.started_at = TaskResultStatus.RUNNING, now
        row.worker_ids = [*row.worker_ids, worker_id]
        same_history.setdefault(tuple(row.worker_ids), []).append(row)
    for worker_ids, group in same_history.items():
        DBTaskResult.objects.filter(pk__in=[row.pk for row in group]).update(
            status=TaskResultStatus.RUNNING, started_at=now, worker_ids=list(worker_ids)
        )


def _record_successes(rows: list[Row]) -> None:
    finished = timezone.now()
    DBTaskResult.objects.filter(pk__in=[row.pk for row in rows]).update(
        status=TaskResultStatus.SUCCESSFUL,
        finished_at=finished,
        return_value=None,
        exception_class_path="",
        traceback="",
    )
