"""Security defect 2 and issue 19: a task worker SIGKILLed in the middle of a queue of replies loses no message
without telling the agent, and sends none twice.

A real ``manage.py db_worker`` sends to a real SMTP server (aiosmtpd), which holds one message's DATA until the
worker has been killed in the middle of that send. Another worker starts beside the outbox sweep. Every other
outbox row ends sent and arrives once; the one on the wire is in doubt (``delivery``): not sent again, and on
the case's timeline for the agent. (aiosmtpd drops a DATA whose client is gone before its 250, so here that one
never arrived: the cost of never sending twice, and why the agent is told.) PostgreSQL only: the worker shares
the test database, which this test commits to, and SQLite's single writer would make the two processes wait on
each other.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from conftest import Mailbox, free_port
from soridam.cases.models import Case
from soridam.notifications.models import DeliveryState, NotificationKind, OutboundMessage
from soridam.notifications.outbox import notify_customer

ROWS = 120


class StallingMailbox(Mailbox):
    """Holds the DATA of message number ``stall_at`` until ``release`` is set."""

    def __init__(self, stall_at: int) -> None:
        super().__init__()
        self.stall_at = stall_at
        self.stalled, self.release = threading.Event(), threading.Event()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd hook name
        if len(self.messages) + 1 == self.stall_at:
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)


def _env(smtp_port: int, tmp_path: Path) -> dict[str, str]:
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DB_CONN_MAX_AGE": "0",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}?tls=off",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "SORIDAM_VAR_DIR": str(tmp_path),
        "LOG_JSON": "false",
        "SORIDAM_WORKER_HEARTBEAT_SECONDS": "1",
        "SORIDAM_WORKER_STALE_SECONDS": "2",
        "SORIDAM_OUTBOUND_LEASE_SECONDS": "2",
    }


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    return subprocess.run(
        [sys.executable, manage, *args], env=env, capture_output=True, text=True, timeout=300, check=True
    )


def _queue_replies(case: Case) -> None:
    with transaction.atomic():
        for _n in range(ROWS):
            # Replies, not stage changes: issue 11's policy mails few stage changes and combines them into one.
            notify_customer(case, NotificationKind.AGENT_REPLY)
    # Only the deliveries matter here: the case's triage and index tasks would only slow the worker.
    DBTaskResult.objects.exclude(task_path="soridam.notifications.tasks.deliver_outbound").delete()


@pytest.mark.smtp
@pytest.mark.django_db(transaction=True)
def test_a_sigkilled_worker_loses_no_reply_once_another_worker_and_the_sweep_run(
    tmp_path: Path, settings: Any, make_case: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the worker process shares the committed test database: PostgreSQL only")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    case = make_case(email="kim@example.kr")
    OutboundMessage.objects.all().delete()  # the acknowledgement: never delivered here (no worker yet)
    _queue_replies(case)
    mailbox = StallingMailbox(stall_at=ROWS // 3)
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        env = _env(controller.port, tmp_path)
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        worker_args = ["db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.05"]
        worker = subprocess.Popen([sys.executable, manage, *worker_args], env=env, stdout=subprocess.DEVNULL)
        assert mailbox.stalled.wait(timeout=120), "the worker never reached the stalled message"
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        mailbox.release.set()
        # Killed inside a batch of deliveries: the batch's task rows stay RUNNING, and its outbox rows not yet
        # recorded (the one on the wire and those after it) stay leased; the ones before it are recorded.
        batch = DBTaskResult.objects.running().count()
        assert batch >= 1
        assert 1 <= OutboundMessage.objects.filter(state=DeliveryState.SENDING).count() <= batch
        assert OutboundMessage.objects.filter(state=DeliveryState.SENT).count() == ROWS // 3 - 1
        time.sleep(3)  # the dead worker's heartbeat and the row's lease run out
        _manage(env, "shell", "-c", "from soridam.notifications.tasks import sweep_outbox; sweep_outbox.call()")
        _manage(env, *worker_args[:-2], "--batch", "--interval", "0")
    finally:
        controller.stop()

    rows = OutboundMessage.objects.all()
    assert rows.count() == ROWS
    states = sorted(rows.values_list("state", flat=True))
    assert states == [DeliveryState.IN_DOUBT] + [DeliveryState.SENT] * (ROWS - 1)  # the one on the wire at the kill
    in_doubt = rows.get(state=DeliveryState.IN_DOUBT)
    received = mailbox.message_ids()
    assert len(received) == len(set(received))  # none twice
    assert {row.pk for row in rows if row.external_id not in received} <= {in_doubt.pk}
    assert in_doubt.case.events.filter(kind="delivery_failed", reason__contains="may have arrived").count() == 1
    assert DBTaskResult.objects.running().count() == 0
