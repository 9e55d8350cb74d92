"""A task worker stopped while it warms up (Kiwi, the triage model: seconds on a busy machine) still stops cleanly:
exit 0 and its heartbeat row gone. Before, its stop handler was installed only after the warm-up, so a SIGTERM in
those seconds killed it outright and left the row, and the supervisor's clean stop looked like a dead worker."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.slow


def _heartbeats(database: Path) -> int:
    try:
        with sqlite3.connect(database) as db:
            return int(db.execute("SELECT count(*) FROM workers_workerheartbeat").fetchone()[0])
    except sqlite3.OperationalError:  # not migrated yet, or locked for a moment
        return 0


def test_a_worker_stopped_during_its_warm_up_exits_0_and_removes_its_heartbeat(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "SORIDAM_VAR_DIR": str(tmp_path),
        "SORIDAM_WARMUP": "true",
        "SORIDAM_ANALYSER": "false",  # this worker loads Kiwi itself: a warm-up of seconds
        "LOG_JSON": "false",
    }
    env.pop("SORIDAM_ANALYSER_SOCKET", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=settings.BASE_DIR, env=env, check=True)  # noqa: S603
    log = (tmp_path / "worker.log").open("wb")
    argv = [*manage, "db_worker", "--no-reload", "--interval", "0.1"]
    worker = subprocess.Popen(argv, env=env, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while _heartbeats(database) == 0 and time.monotonic() < deadline:  # written just before the warm-up
            time.sleep(0.01)
        assert _heartbeats(database) == 1
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(15) == 0, (tmp_path / "worker.log").read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert _heartbeats(database) == 0
