"""``db_worker --customer-lane``: customer mail and chat are served from a thread of the pool worker's process
while its main loop is busy with a long job (what the separate customer-mail worker used to do, in its own
100 MiB process). PostgreSQL only: the worker process reads the committed test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from soridam.workers.tests import lane_tasks

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SLOW_SECONDS = 8.0


@pytest.fixture
def db_tasks(settings: object) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # type: ignore[attr-defined]


def _status(result_id: str) -> str:
    return str(DBTaskResult.objects.get(pk=result_id).status)


def _wait_for(predicate: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def _worker(tmp_path: Path) -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "SORIDAM_VAR_DIR": str(tmp_path),
        "SORIDAM_WARMUP": "false",
        "LOG_JSON": "false",
    }
    argv = [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.1", "--customer-lane"]
    log = (tmp_path / "worker.log").open("wb")
    return subprocess.Popen(argv, env=env, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603


def test_a_customer_job_runs_while_the_pool_loop_is_busy(tmp_path: Path, db_tasks: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs the committed PostgreSQL test database")
    slow = lane_tasks.slow_pool_job.enqueue(SLOW_SECONDS)
    worker = _worker(tmp_path)
    try:
        log = tmp_path / "worker.log"
        assert _wait_for(lambda: _status(slow.id) == TaskResultStatus.RUNNING, 30), log.read_text()
        customer = lane_tasks.customer_job.enqueue()
        started = time.monotonic()

        assert _wait_for(lambda: _status(customer.id) == TaskResultStatus.SUCCESSFUL, SLOW_SECONDS / 2)
        assert time.monotonic() - started < SLOW_SECONDS / 2
        assert _status(slow.id) == TaskResultStatus.RUNNING  # the main loop is still on the slow job
        assert _wait_for(lambda: _status(slow.id) == TaskResultStatus.SUCCESSFUL, SLOW_SECONDS * 2)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(15)
    assert worker.returncode == 0
