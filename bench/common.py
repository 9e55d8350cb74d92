"""Shared pieces of the benchmarks: the database, the served app, an HTTP client, and the tables.

Every benchmark talks only to 127.0.0.1, bounds its requests by count and time, and stops the
server it started.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GRANIAN = str(ROOT / ".venv" / "bin" / "granian")
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/soridam_bench"
MILLION = 1_000_000
DEMO_PASSWORDS = {"admin": "soridam-admin", "minji": "soridam-agent"}


def bench_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of every process the benchmark starts: its database, quiet logs, no rate limits."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="false",
        LOG_LEVEL="WARNING",
        RATE_LIMIT_API="10000000",
        RATE_LIMIT_FORM="10000000",
        RATE_LIMIT_LOGIN="10000",
        RATE_LIMIT_TRACKING="10000000",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, tree: Path = ROOT) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=tree, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def ensure_database(database_url: str, *, fresh: bool = False, tree: Path = ROOT) -> None:
    """Create the benchmark database if it is missing (or anew with ``fresh``), then migrate it (with the
    migrations of ``tree``: another source tree's for an A/B run)."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if not exists or fresh:
            connection.execute(f'CREATE DATABASE "{name}"')
    manage(bench_env(database_url), "migrate", "--noinput", "-v", "0", tree=tree)


def sql_value(database_url: str, sql: str, params: Sequence[Any] = ()) -> Any:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        row = connection.execute(sql, params).fetchone()  # type: ignore[arg-type]
        return row[0] if row else None


def count_cases(database_url: str) -> int:
    return int(sql_value(database_url, "SELECT count(*) FROM cases_case"))


def ensure_million(database_url: str, *, fresh: bool = False, target: int = MILLION) -> str:
    """The demo plus synthetic cases up to ``target``; returns what was done, for the report."""
    ensure_database(database_url, fresh=fresh)
    env = bench_env(database_url)
    manage(env, "seed_demo", "--if-empty")
    missing = target - count_cases(database_url)
    note = "reused"
    if missing > 0:
        note = manage(env, "generate_cases", str(missing), "--batch", "10000").strip()
    with_vacuum(database_url)
    return note


def with_vacuum(database_url: str) -> None:
    """Fresh statistics and visibility map, as autovacuum would leave them on a live system."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE cases_case, cases_message, customers_customer")


def analyze(database_url: str) -> None:
    """Fresh planner statistics for the whole database. A benchmark database grows faster than
    autovacuum looks at it: with stale counts PostgreSQL plans hash joins over whole tables."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("ANALYZE")


def issue_token(env: dict[str, str], username: str) -> str:
    return manage(env, "api_token", username, "--name", "bench").strip().splitlines()[-1]


_HANDED_OUT: set[int] = set()


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a live local process so far, all its threads (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A free loopback port; within ``BENCH_PORTS`` ("8800-8899") when set: on a shared machine each session
    is given its own range. A port handed out before is not handed out again: a caller often binds it only
    later (bench/chat.py takes the socket server's port before the web server starts), and granian binds with
    SO_REUSEPORT, so two servers on one port shared its connections (WebSocket handshakes answered 404)."""
    first, _, last = os.environ.get("BENCH_PORTS", "0-0").partition("-")
    for candidate in range(int(first), int(last or first) + 1):
        if candidate in _HANDED_OUT:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            port = int(sock.getsockname()[1])
        _HANDED_OUT.add(port)
        return port
    raise SystemExit(f"no free port in BENCH_PORTS={os.environ['BENCH_PORTS']}")


@contextmanager
def served(env: dict[str, str], *, workers: int = 1, threads: int | None = None, tree: Path = ROOT) -> Iterator[int]:
    """Serve the app under granian WSGI on a free loopback port; yields the port, then stops it. ``tree`` is the
    source tree to serve (another one, e.g. a ``git archive`` of a baseline commit, for an A/B run)."""
    port = free_port()
    command = [GRANIAN, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers), "--log-level", "warning"]
    if threads:
        command += ["--blocking-threads", str(threads)]
    process = subprocess.Popen([*command, "soridam.wsgi:application"], cwd=tree, env=env, start_new_session=True)
    try:
        _wait_until_ready(port, process)
        yield port
    finally:
        stop_group(process)


def stop_group(process: subprocess.Popen[Any], timeout: float = 15) -> None:
    """SIGTERM to a server's process group (its workers too), SIGKILL if it is still there after ``timeout``."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _wait_until_ready(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"granian exited with {process.returncode}")
        try:
            if Client(port).get("/readyz").status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not become ready within 60 s")


@dataclass
class Response:
    status: int
    body: bytes
    headers: list[tuple[str, str]]
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Client:
    """A keep-alive HTTP/1.1 client for 127.0.0.1 with a tiny cookie jar."""

    port: int
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    connection: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {**self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=sent)
            answer = self.connection.getresponse()
            data = answer.read()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = None
            raise
        seconds = time.perf_counter() - started
        self._keep_cookies(answer.getheaders())
        return Response(answer.status, data, answer.getheaders(), seconds)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def _keep_cookies(self, headers: list[tuple[str, str]]) -> None:
        for name, value in headers:
            if name.lower() == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _sep, content = cookie.partition("=")
                self.cookies[key.strip()] = content.strip()


def login(port: int, username: str, password: str) -> Client:
    """A client holding a workspace session, logged in through the real login form."""
    client = Client(port)
    page = client.get("/workspace/login/")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    if match is None:
        raise SystemExit("no CSRF token on the login page")
    form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": match.group(1).decode()})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{port}/"}
    answer = client.request("POST", "/workspace/login/", form.encode(), headers)
    if answer.status != 302 or "sessionid" not in client.cookies:
        raise SystemExit(f"logging in as {username} failed ({answer.status})")
    return client


def next_link(html: bytes) -> str | None:
    """The inbox's rel="next" link."""
    match = re.search(rb'rel="next" href="([^"]+)"', html)
    return unescape(match.group(1).decode()) if match else None


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


LOAD_BEFORE = os.getloadavg()[0]


def machine_note() -> str:
    """The load average before the benchmark began says how busy the machine was with other work."""
    python = sys.version.split()[0]
    return f"{os.cpu_count()} cores, 1-minute load average {LOAD_BEFORE:.2f} before the run, Python {python}"
