"""A message reaches the customer once, even when its sender outlives its lease or loses the database between
the provider's 250 and its record (issue 19's "sent twice"). A real SMTP server (aiosmtpd) holds the DATA
while the test plays the second worker, or cuts the sender's PostgreSQL connection before answering."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import psycopg
import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from soridam.cases.models import Case
from soridam.notifications import delivery
from soridam.notifications.models import DeliveryState, NotificationKind, OutboundMessage
from soridam.notifications.outbox import notify_customer
from soridam.notifications.tasks import sweep_outbox

if TYPE_CHECKING:
    from conftest import Mailbox

pytestmark = [pytest.mark.smtp]
# Task rows are stored, not run: the test decides which worker delivers when.
STORED_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class HeldData:
    """At the first DATA it gets, the server sets ``held``, waits for ``release`` (at once unless ``hold``), runs
    ``before_answer``, and then answers 250."""

    def __init__(self, mailbox: Mailbox, *, hold: bool, before_answer: Callable[[], None] = lambda: None) -> None:
        self.held, self.release = threading.Event(), threading.Event()
        if not hold:
            self.release.set()
        real = mailbox.handle_DATA
        first = [True]

        async def handle_data(server: Any, session: Any, envelope: Any) -> str:
            if first and first.pop():
                self.held.set()
                while not self.release.is_set():
                    await asyncio.sleep(0.01)
                before_answer()
            return await real(server, session, envelope)

        mailbox.handle_DATA = handle_data  # type: ignore[method-assign]


def _queued_reply(case: Case) -> OutboundMessage:
    with transaction.atomic():
        row = notify_customer(case, NotificationKind.AGENT_REPLY)
    assert row is not None
    return row


def _received(mailbox: Mailbox, row: OutboundMessage) -> int:
    return mailbox.message_ids().count(OutboundMessage.objects.get(pk=row.pk).external_id)


@pytest.mark.django_db(transaction=True)
def test_a_second_worker_never_sends_a_row_whose_send_outlived_the_first_workers_lease(
    smtp_server: Mailbox, make_case: Callable[..., Case], settings: Any
) -> None:
    case = make_case(email="slow@example.kr")
    settings.TASKS = STORED_TASKS
    settings.SORIDAM_OUTBOUND_LEASE_SECONDS = 1
    row = _queued_reply(case)
    server = HeldData(smtp_server, hold=True)
    outcomes: dict[str, delivery.Outcome] = {}

    def first_worker() -> None:
        try:
            outcomes["first"] = delivery.deliver(row.pk)
        finally:
            connection.close()

    first = threading.Thread(target=first_worker)
    first.start()
    try:
        assert server.held.wait(timeout=30), "the first worker never reached the server"
        time.sleep(1.5)  # its lease runs out while the server holds the message (as a starved worker would)
        outcomes["second"] = delivery.deliver(row.pk)  # the second worker: the row's send began, so it is not sent
    finally:
        server.release.set()
        first.join(timeout=30)

    assert outcomes["second"].state == DeliveryState.IN_DOUBT  # nobody knows yet whether it went
    assert outcomes["first"].state == DeliveryState.SENT  # the first worker's 250 settles it
    row.refresh_from_db()
    assert (row.state, row.attempts) == (DeliveryState.SENT, 1)
    assert _received(smtp_server, row) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="cuts a PostgreSQL server connection")
@pytest.mark.django_db(transaction=True)
def test_a_send_whose_database_connection_dies_before_the_250_is_recorded_once_the_database_answers(
    smtp_server: Mailbox, make_case: Callable[..., Case], settings: Any
) -> None:
    case = make_case(email="restart@example.kr")
    settings.TASKS = STORED_TASKS
    row = _queued_reply(case)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (sender_pid,) = cursor.fetchone()
    db = connection.settings_dict

    def cut_the_senders_connection() -> None:  # what a PostgreSQL restart does to it
        address = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "dbname": db["NAME"]}
        with psycopg.connect(**address, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", (sender_pid,))

    HeldData(smtp_server, hold=False, before_answer=cut_the_senders_connection)
    outcome = delivery.deliver(row.pk)

    assert outcome.state == DeliveryState.SENT
    row.refresh_from_db()
    assert (row.state, row.attempts) == (DeliveryState.SENT, 1)
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.SORIDAM_OUTBOUND_LEASE_SECONDS * 2)):
        sweep_outbox.call()
        assert delivery.deliver(row.pk).state == DeliveryState.SENT
    assert _received(smtp_server, row) == 1


@pytest.mark.django_db(transaction=True)
def test_a_timeout_after_the_whole_message_was_handed_over_puts_it_in_doubt_and_it_is_never_sent_again(
    smtp_server: Mailbox, make_case: Callable[..., Case], settings: Any
) -> None:
    """The server took the DATA up to its final dot but its answer came after our timeout: the customer may well
    have the mail (RFC 1047's duplicate), so the row is in doubt and the agent is told, instead of a retry."""
    case = make_case(email="late-answer@example.kr")
    settings.TASKS = STORED_TASKS
    settings.EMAIL_TIMEOUT = 1
    row = _queued_reply(case)
    tried_before = len(smtp_server.recipients_tried)  # the case's acknowledgement
    server = HeldData(smtp_server, hold=True)
    try:
        outcome = delivery.deliver(row.pk)  # waits for the 250 longer than EMAIL_TIMEOUT
    finally:
        server.release.set()  # the server then answers 250 and keeps the message

    assert (outcome.state, outcome.retry_at) == (DeliveryState.IN_DOUBT, None)
    row.refresh_from_db()
    assert row.state == DeliveryState.IN_DOUBT
    assert "may have arrived" in row.last_error
    assert case.events.filter(kind="delivery_failed").count() == 1
    assert len(smtp_server.recipients_tried) == tried_before + 1
    with time_machine.travel(timezone.now() + timedelta(days=1)):  # past every backoff and lease
        sweep_outbox.call()
        assert delivery.deliver(row.pk).state == DeliveryState.IN_DOUBT
    assert len(smtp_server.recipients_tried) == tried_before + 1  # no second attempt reached the server


@pytest.mark.django_db(transaction=True)
def test_a_timeout_before_the_message_was_handed_over_is_retried(
    smtp_server: Mailbox, make_case: Callable[..., Case], settings: Any
) -> None:
    """No answer to RCPT: the server never had the message, so a later attempt is safe."""
    case = make_case(email="slow-rcpt@example.kr")
    settings.TASKS = STORED_TASKS
    settings.EMAIL_TIMEOUT = 1
    row = _queued_reply(case)
    release = threading.Event()
    real = smtp_server.handle_RCPT

    async def slow_rcpt(server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        while not release.is_set():
            await asyncio.sleep(0.01)
        return await real(server, session, envelope, address, options)

    smtp_server.handle_RCPT = slow_rcpt  # type: ignore[method-assign]
    try:
        outcome = delivery.deliver(row.pk)
    finally:
        release.set()

    assert outcome.state == DeliveryState.QUEUED
    assert outcome.retry_at is not None
    assert _received(smtp_server, row) == 0
