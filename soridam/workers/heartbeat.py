"""A worker's heartbeat: a thread beside the task loop touches the worker's row every few seconds.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again: a worker
killed mid-task (SIGKILL, OOM, a lost machine) leaves it RUNNING forever. The heartbeat tells a dead
worker from a slow task, so ``recovery`` can queue the dead worker's task again.
"""

from __future__ import annotations

import logging
import os
import threading

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from soridam.workers.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


class Heartbeat:
    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="worker-heartbeat", daemon=True)

    def start(self) -> None:
        self.beat()  # before the first task is claimed: a fresh worker never looks dead
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()

    def beat(self) -> None:
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"pid": os.getpid(), "seen_at": now},
            create_defaults={"pid": os.getpid()},
        )

    def _run(self) -> None:
        try:
            while not self._stopped.wait(settings.SORIDAM_WORKER_HEARTBEAT_SECONDS):
                try:
                    self.beat()
                except DatabaseError:  # a locked SQLite file or a dropped connection: try at the next beat
                    logger.warning("worker heartbeat failed", exc_info=True)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection
