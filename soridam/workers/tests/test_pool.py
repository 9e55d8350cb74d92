"""Issue 13 §1 and §6: two web processes and three task workers against one PostgreSQL database.

Cases are filed over HTTP (the API) to two separate granian servers while three ``db_worker`` processes work
the queue, and one worker is SIGKILLed while it holds claimed tasks. A real SMTP server (aiosmtpd) receives
the acknowledgements. At the end every case exists once and was acknowledged, triaged, routed and indexed
once; every task row succeeded, and only the killed worker's rows ran a second time; no acknowledgement
arrived twice, and every one arrived but the one the killed worker may have been sending, which is left in
doubt (``notifications.delivery``). PostgreSQL only: the processes share the committed test database.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from conftest import Mailbox, free_port
from soridam.accounts.models import ApiToken, Role, Team, User
from soridam.cases.models import Case, EventKind, TimelineEvent
from soridam.notifications.models import DeliveryState, NotificationKind, OutboundMessage
from soridam.routing.tests.conftest import MakeAgents, set_strategy
from soridam.routing.tests.conftest import make_agents as make_agents  # the fixture
from soridam.search.indexing import CASE
from soridam.search.models import SearchDocument
from soridam.triage.models import Prediction

CASES = 90
WORKERS = ("pool-w1", "pool-w2", "pool-w3")
KILLED = WORKERS[0]

pytestmark = [pytest.mark.slow, pytest.mark.smtp, pytest.mark.django_db(transaction=True)]


def _env(smtp_port: int, tmp_path: Path) -> dict[str, str]:
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DB_CONN_MAX_AGE": "0",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}?tls=off",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "SORIDAM_VAR_DIR": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "LOG_JSON": "false",
        "SORIDAM_WARMUP": "false",
        "RATE_LIMIT_API": "100000",
        "SORIDAM_WORKER_HEARTBEAT_SECONDS": "1",
        "SORIDAM_WORKER_STALE_SECONDS": "8",
        "SORIDAM_OUTBOUND_LEASE_SECONDS": "8",
    }


def _start(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(argv, env=env, cwd=settings.BASE_DIR, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603


def _web(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    granian = str(Path(sys.executable).parent / "granian")
    argv = [granian, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    return _start([*argv, "--log-level", "warning", "soridam.wsgi:application"], env, log)


def _worker(worker_id: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"]
    return _start([*argv, "--worker-id", worker_id], env, log)


def _wait_for(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:  # noqa: S310
            return bool(response.status == 200)
    except OSError:
        return False


def _file_case(port: int, token: str, number: int) -> str:
    payload = {
        "subject": f"배송 지연 문의 {number}",
        "body": f"주문한 상품 {number}번이 일주일째 오지 않아요. 확인 부탁드립니다.",
        "customer": {"name": f"고객{number}", "email": f"customer{number}@example.kr"},
        "category": "delivery",
    }
    request = urllib.request.Request(  # noqa: S310 - our own server on 127.0.0.1
        f"http://127.0.0.1:{port}/api/v1/cases",
        data=json.dumps(payload).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        assert response.status == 201
        return str(json.load(response)["reference"])


@pytest.fixture
def processes() -> Iterator[dict[str, subprocess.Popen[bytes]]]:
    running: dict[str, subprocess.Popen[bytes]] = {}
    try:
        yield running
    finally:
        for process in running.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in running.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _all_done() -> bool:
    if Case.objects.count() < CASES:
        return False
    unfinished = DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
    if unfinished.exists():
        return False
    return not OutboundMessage.objects.exclude(state__in=[DeliveryState.SENT, DeliveryState.IN_DOUBT]).exists()


def test_two_web_processes_and_three_workers_one_killed_process_every_case_and_job_once(
    tmp_path: Path,
    teams: dict[str, Team],
    make_agents: MakeAgents,
    processes: dict[str, subprocess.Popen[bytes]],
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("several processes share the committed test database: PostgreSQL only")
    make_agents(3, capacity=40)
    set_strategy(teams["delivery"], "least_load")
    admin = User.objects.create_superuser(username="root", password="pw-root", email="r@shop.test", role=Role.ADMIN)
    _token, raw = ApiToken.issue(admin)
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        env = _env(controller.port, tmp_path)
        ports = [free_port(), free_port()]
        for number, port in enumerate(ports, 1):
            processes[f"web {number}"] = _web(port, env, tmp_path / f"web{number}.log")
        _wait_for(lambda: all(_answers(port) for port in ports), 120, "both web servers")
        for worker_id in WORKERS:
            processes[worker_id] = _worker(worker_id, env, tmp_path / f"{worker_id}.log")

        killed = threading.Event()

        def kill_when_busy() -> None:  # SIGKILL the first worker while it holds claimed tasks
            deadline = time.monotonic() + 180
            try:
                while time.monotonic() < deadline:
                    if DBTaskResult.objects.running().filter(worker_ids__contains=[KILLED]).exists():
                        processes[KILLED].send_signal(signal.SIGKILL)
                        killed.set()
                        return
                    time.sleep(0.01)
            finally:
                connection.close()  # this thread's own

        killer = threading.Thread(target=kill_when_busy)
        killer.start()
        with ThreadPoolExecutor(4) as pool:
            references = list(pool.map(lambda n: _file_case(ports[n % 2], raw, n), range(CASES)))
        killer.join()
        assert killed.is_set(), "the first worker never held a task"
        assert processes[KILLED].wait(10) == -signal.SIGKILL
        _wait_for(_all_done, 240, "every case's work (the dead worker's tasks requeued by the others)")
    finally:
        controller.stop()

    _assert_every_case_processed_once(references)
    _assert_every_task_ran_once_or_was_retried_after_the_kill()
    _assert_no_acknowledgement_arrived_twice_and_only_the_one_in_flight_may_be_in_doubt(mailbox)


def _assert_every_case_processed_once(references: list[str]) -> None:
    assert len(set(references)) == CASES
    cases = Case.objects.filter(reference__in=references)
    assert cases.count() == CASES
    ids = set(cases.values_list("pk", flat=True))
    assert set(Prediction.objects.values_list("case_id", flat=True)) == ids  # triaged
    indexed = Counter(SearchDocument.objects.filter(kind=CASE).values_list("key", flat=True))
    assert set(indexed) == ids
    assert set(indexed.values()) == {1}
    assigned = Counter(TimelineEvent.objects.filter(kind=EventKind.ASSIGNED).values_list("case_id", flat=True))
    assert set(assigned) == ids  # routed: 3 agents × 40 ≥ the cases
    assert set(assigned.values()) == {1}  # and never twice
    created = Counter(TimelineEvent.objects.filter(kind=EventKind.CREATED).values_list("case_id", flat=True))
    assert created == dict.fromkeys(ids, 1)


def _assert_every_task_ran_once_or_was_retried_after_the_kill() -> None:
    rows = list(DBTaskResult.objects.values_list("status", "worker_ids", "task_path"))
    assert {status for status, _ids, _path in rows} == {TaskResultStatus.SUCCESSFUL}
    retried = [worker_ids for _status, worker_ids, _path in rows if len(worker_ids) > 1]
    assert retried, "the killed worker held tasks: they must have been requeued and run again"
    odd = [ids for ids in retried if ids[0] != KILLED or KILLED in ids[1:]]
    assert odd == [], Counter(tuple(ids) for ids in odd)
    assert {worker_ids[-1] for _status, worker_ids, _path in rows} <= set(WORKERS)


def _assert_no_acknowledgement_arrived_twice_and_only_the_one_in_flight_may_be_in_doubt(
    mailbox: Mailbox,
) -> None:
    acknowledgements = OutboundMessage.objects.filter(kind=NotificationKind.CASE_OPENED)
    assert acknowledgements.count() == CASES
    expected = set(OutboundMessage.objects.values_list("external_id", flat=True))
    received = Counter(mailbox.message_ids())
    assert set(received) <= expected
    assert [message_id for message_id, n in received.items() if n > 1] == []
    # Only a message the killed worker was sending can be in doubt (one worker sends one message at a time): not
    # sent again, and missing only if the kill came before the server's 250.
    in_doubt = set(OutboundMessage.objects.filter(state=DeliveryState.IN_DOUBT).values_list("external_id", flat=True))
    assert len(in_doubt) <= 1
    assert expected - set(received) <= in_doubt
