"""django-tasks-db's ``db_worker`` with a heartbeat, and recovery of dead workers' tasks at start.

This app is listed before ``django_tasks_db`` in INSTALLED_APPS, so ``manage.py db_worker`` is this one.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from soridam.workers.heartbeat import Heartbeat
from soridam.workers.recovery import requeue_stale_tasks


class Command(DatabaseWorkerCommand):
    help = "Run a database task worker; tasks left RUNNING by a dead worker are queued again at start"

    def handle(self, *args: Any, **options: Any) -> None:
        requeue_stale_tasks()
        heartbeat = Heartbeat(str(options["worker_id"]))
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
