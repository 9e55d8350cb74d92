"""A real ASGI server (granian, the server `make run` uses) for the chat tests, on a free port.

It runs on the test database on PostgreSQL, else on a SQLite file of its own (the SQLite test database
lives in this process's memory); ``rows`` reads whichever it is. As under `make run`, the bot's turn runs
in a task worker (``manage.py db_worker``) beside the server, and its answer reaches the socket through the
server's push loop (``live.py``).
"""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

ORIGIN = "http://shop.test"
RESPONDER = "soridam.channels.chat.tests.responder.reply"


@dataclass(frozen=True)
class ChatServer:
    port: int
    database: Path | None  # the SQLite file, or None on PostgreSQL (the test database)
    env: dict[str, str]

    def shell(self, code: str) -> str:
        """Run Python in a process of the server's own (its database); returns what it printed."""
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        argv = [sys.executable, manage, "shell", "-c", code]
        done = subprocess.run(argv, env=self.env, capture_output=True, text=True, check=False, timeout=120)  # noqa: S603
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout.strip()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.database is None:
            with connection.cursor() as cursor:
                cursor.execute(sql.replace("?", "%s"), params)
                return list(cursor.fetchall()) if cursor.description else []
        with sqlite3.connect(self.database) as db:
            return list(db.execute(sql, params).fetchall())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(port: int, tmp: Path) -> dict[str, str]:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    else:
        url = f"sqlite:///{tmp / 'chat.sqlite3'}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DB_CONN_MAX_AGE": "0",
        "EMAIL_URL": "locmem://",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "SORIDAM_VAR_DIR": str(tmp),
        "SORIDAM_CHAT_RESPONDER": RESPONDER,
        "SORIDAM_CHAT_ALLOWED_ORIGINS": ORIGIN,
        "SORIDAM_CHAT_PUSH_INTERVAL_MS": "50",
        "SORIDAM_WARMUP": "false",
        "SORIDAM_SEARCH_EMBEDDINGS": "false",
        "LOG_JSON": "false",
        "PORT": str(port - 1),
    }


def _wait_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the ASGI server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the ASGI server did not start")


@contextlib.contextmanager
def serving(env: dict[str, str], *ports: int, static: Path | None = None) -> Iterator[None]:
    """One granian ASGI process per port and one task worker, all on the database in ``env``; ``static``:
    a folder served under /static/ (granian serves it, as `make run` does)."""
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    granian = str(Path(sys.executable).parent / "granian")
    children = []
    for port in ports:
        argv = [granian, "--interface", "asginl", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
        if static is not None:
            argv += ["--static-path-route", "/static", "--static-path-mount", str(static)]
        children.append(subprocess.Popen([*argv, "--log-level", "warning", "soridam.asgi:application"], env=env))  # noqa: S603
    children.append(
        subprocess.Popen([sys.executable, manage, "db_worker", "--no-reload", "--interval", "0.05"], env=env)
    )  # noqa: S603
    try:
        for port, process in zip(ports, children, strict=False):
            _wait_listening(port, process)
        yield
    finally:
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:  # a worker still loading a model for a triage task on a busy machine
                child.kill()
                child.wait()


def migrated_env(port: int, tmp: Path, **extra: str) -> dict[str, str]:
    env = {**_env(port, tmp), **extra}
    if connection.vendor != "postgresql":
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        subprocess.run([sys.executable, manage, "migrate", "-v", "0"], env=env, check=True, timeout=300)  # noqa: S603
    return env


@pytest.fixture(scope="module")
def chat_server(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ChatServer]:
    tmp = tmp_path_factory.mktemp("chat")
    port = free_port()
    env = migrated_env(port, tmp)
    with serving(env, port):
        sqlite = connection.vendor != "postgresql"
        yield ChatServer(port=port, database=tmp / "chat.sqlite3" if sqlite else None, env=env)


@pytest.fixture
def post_json() -> Callable[..., tuple[int, dict[str, Any]]]:
    import json
    import urllib.error
    import urllib.request

    def post(
        url: str, body: dict[str, Any] | None = None, *, origin: str = ORIGIN, token: str = "", method: str = "POST"
    ) -> tuple[int, dict[str, Any]]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - our own test server
        request.add_header("Content-Type", "application/json")
        if origin:
            request.add_header("Origin", origin)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    return post


@pytest.fixture(autouse=True)
def _servers_idle_before_the_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """On PostgreSQL a `transaction=True` test ends with a TRUNCATE of every table while the live servers may
    still be finishing the test's last message (a session row locked, then a task row): the two can deadlock
    and the flush fails. Set up after pytest-django's database fixture, this is torn down before its flush,
    and waits until no other connection to the test database is inside a transaction."""
    yield
    if connection.vendor != "postgresql" or "transaction" not in str(request.node.get_closest_marker("django_db")):
        return
    quiet, deadline = 0, time.monotonic() + 15
    while quiet < 3 and time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND state IN ('active', 'idle in transaction')"
            )
            busy = cursor.fetchone()[0]
        quiet = 0 if busy else quiet + 1
        time.sleep(0.05)
