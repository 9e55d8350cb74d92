"""Sign-in attempts are limited per address and per account, on the workspace and on the admin (R-SEC-9),
and the limit is shared by every worker process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from soridam.accounts.models import User

ROOT = Path(__file__).resolve().parents[3]
LOGINS = ["/admin/login/", "/workspace/login/"]


@pytest.fixture(autouse=True)
def _no_lockout(settings: Any) -> None:
    """These tests are about the per-minute rate limit; the account lockout (test_lockout_and_idle) would
    answer first after five failures."""
    settings.SORIDAM_LOCKOUT_FAILURES = 1000


@pytest.fixture(autouse=True)
def _same_window() -> None:
    """Limits count per clock minute: start far enough from its end that all attempts land in one window."""
    if time.time() % 60 > 45:
        time.sleep(61 - time.time() % 60)


def _attempt(url: str, username: str, password: str, address: str = "203.0.113.7") -> Any:
    return Client(REMOTE_ADDR=address).post(url, {"username": username, "password": password})


def test_eleventh_admin_login_in_a_minute_gets_429_with_retry_after(root: User) -> None:
    for _attempt_number in range(10):
        assert _attempt("/admin/login/", "root", "wrong").status_code == 200
    refused = _attempt("/admin/login/", "root", "pw-root")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "_auth_user_id" not in refused.client.session


@pytest.mark.parametrize("url", LOGINS)
def test_eleventh_attempt_at_one_account_from_different_addresses_gets_429(url: str, root: User) -> None:
    for number in range(10):
        assert _attempt(url, "root", "wrong", address=f"198.51.100.{number + 1}").status_code == 200
    refused = _attempt(url, "ROOT ", "pw-root", address="198.51.100.200")
    assert refused.status_code == 429
    assert refused["Retry-After"]
    other_account = _attempt(url, "someone-else", "wrong", address="198.51.100.201")
    assert other_account.status_code == 200


def test_admin_and_workspace_logins_share_one_budget_per_account(root: User) -> None:
    for number in range(5):
        _attempt("/admin/login/", "root", "wrong", address=f"192.0.2.{number + 1}")
        _attempt("/workspace/login/", "root", "wrong", address=f"192.0.2.{number + 100}")
    assert _attempt("/admin/login/", "root", "wrong", address="192.0.2.250").status_code == 429


_HAMMER = """
import sys, time
import django
django.setup()
from django.core.management import call_command
from soridam.lib.ratelimit import RateLimited, check_rate
if sys.argv[1] == "create":
    call_command("createcachetable", verbosity=0)
    sys.exit(0)
start = float(sys.argv[2])
while time.time() < start:
    time.sleep(0.005)
allowed = 0
for _ in range(15):
    try:
        check_rate("login", "203.0.113.99")
        allowed += 1
    except RateLimited:
        pass
print(allowed)
"""


def _database_url(tmp_path: Path) -> str:
    """The test database when another process can open it (PostgreSQL), else a file of our own."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user, host, port = settings["USER"], settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
        return f"postgres://{user}@{host}:{port}/{settings['NAME']}"
    return f"sqlite:///{tmp_path / 'shared.sqlite3'}"


def _run(database_url: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "soridam.settings"}
    env.pop("REDIS_URL", None)
    return subprocess.Popen(  # noqa: S603 - our own interpreter and a fixed program
        [sys.executable, "-c", _HAMMER, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )


@pytest.mark.django_db(transaction=True)
def test_login_limit_holds_across_two_worker_processes(tmp_path: Path) -> None:
    """Two processes with the default settings, 15 attempts each from one address, at the same moment:
    together they let exactly the limit (10) through, not 10 each."""
    url = _database_url(tmp_path)
    assert _run(url, "create").wait(timeout=60) == 0  # the migration made it already on PostgreSQL
    start = str(time.time() + 3)
    workers = [_run(url, "hammer", start) for _worker in range(2)]
    allowed = [int((worker.communicate(timeout=60)[0] or "0").strip()) for worker in workers]
    assert sum(allowed) == 10, allowed
