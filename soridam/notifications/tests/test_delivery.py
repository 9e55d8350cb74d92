"""Outbound delivery through ``Transport.send`` against a real SMTP server (aiosmtpd): permanent and
temporary refusals, a worker killed between claim and record, and no SMTP inside a transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from django.db import connections
from django.test import Client
from django.utils import timezone

from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case
from soridam.channels.base import get_transport
from soridam.notifications import delivery
from soridam.notifications.models import DeliveryState, OutboundMessage
from soridam.notifications.tasks import deliver_outbound, sweep_outbox

if TYPE_CHECKING:
    from conftest import Mailbox

pytestmark = [pytest.mark.django_db, pytest.mark.smtp]

CUSTOMER = "kim@example.kr"


def _later(seconds: float) -> Any:
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False)


def test_a_550_rejection_fails_the_reply_at_once_without_retry_and_the_case_page_shows_why(
    smtp_server: Mailbox,
    make_case: Callable[..., Case],
    agent_actor: Actor,
    alice_client: Client,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    smtp_server.refusals[CUSTOMER] = "550 5.1.1 Mailbox unavailable"
    case = make_case(email=CUSTOMER)
    with django_capture_on_commit_callbacks(execute=True):
        reply = actions.reply(case, "교환해 드리겠습니다.", actor=agent_actor)

    row = OutboundMessage.objects.get(message=reply)
    assert (row.state, row.attempts, row.channel, row.recipient) == ("failed", 1, "email", CUSTOMER)
    assert "550 5.1.1 Mailbox unavailable" in row.last_error
    assert smtp_server.recipients_tried == [CUSTOMER, CUSTOMER]  # the acknowledgement and the reply, once each
    with _later(settings.SORIDAM_OUTBOUND_LEASE_SECONDS * 100):
        assert sweep_outbox.call() == 0
    assert len(smtp_server.recipients_tried) == 2
    page = alice_client.get(f"/workspace/cases/{case.pk}/").content.decode()
    assert "550 5.1.1 Mailbox unavailable" in page


def test_a_451_is_retried_with_exponential_backoff_and_a_later_run_sends_it(
    smtp_server: Mailbox, make_case: Callable[..., Case], settings: Any
) -> None:
    smtp_server.refusals[CUSTOMER] = "451 4.3.0 Try again later"
    case = make_case(email=CUSTOMER)
    row = OutboundMessage.objects.get(case=case)
    assert (row.state, row.attempts) == ("queued", 1)
    assert "451" in row.last_error
    first_wait = row.next_attempt_at - timezone.now()
    assert timedelta(seconds=25) < first_wait <= timedelta(seconds=settings.SORIDAM_OUTBOUND_BACKOFF_SECONDS)

    assert deliver_outbound.call(row.pk) == "queued"  # not due yet: nobody talks to the server
    assert len(smtp_server.recipients_tried) == 1
    with _later(first_wait.total_seconds() + 1):
        assert deliver_outbound.call(row.pk) == "queued"  # due: tried again, refused again
        row.refresh_from_db()
        assert row.attempts == 2
        assert row.next_attempt_at - timezone.now() == delivery.backoff(2) == 2 * delivery.backoff(1)

    del smtp_server.refusals[CUSTOMER]
    with _later(first_wait.total_seconds() + delivery.backoff(2).total_seconds() + 2 * 3600):
        assert sweep_outbox.call() == 1  # its task is long gone: the sweep finds the row
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == ("sent", 3, "")
    assert smtp_server.message_ids() == [row.external_id]


def test_a_temporary_failure_schedules_the_retry_as_a_deferred_task(
    smtp_server: Mailbox, make_case: Callable[..., Case], settings: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    smtp_server.refusals[CUSTOMER] = "451 4.3.0 Try again later"
    case = make_case(email=CUSTOMER)
    row = OutboundMessage.objects.get(case=case)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    OutboundMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    deliver_outbound.call(row.pk)
    row.refresh_from_db()
    retry = DBTaskResult.objects.get(task_path="soridam.notifications.tasks.deliver_outbound")
    assert retry.args_kwargs["args"] == [row.pk]
    assert retry.run_after == row.next_attempt_at


def test_a_worker_killed_between_claim_and_record_still_sends_one_message_per_row(
    smtp_server: Mailbox, teams: object, settings: Any
) -> None:
    from soridam.customers.actions import Contact

    for n in range(4):  # queued, never delivered: the test transaction does not commit
        contact = Contact(name=f"고객{n}", email=f"c{n}@example.kr")
        actions.open_case(actions.NewCase("배송 문의", "언제 오나요?", contact))
    rows = list(OutboundMessage.objects.order_by("id"))
    assert [row.state for row in rows] == ["queued"] * 4

    killed_before_send = delivery.claim(rows[0].pk)
    killed_after_send = delivery.claim(rows[1].pk)
    assert killed_before_send is not None
    assert killed_after_send is not None
    delivery._render_once(killed_after_send)
    get_transport("email").send(killed_after_send)  # the server has it; the worker dies before recording
    assert OutboundMessage.objects.filter(state=DeliveryState.SENDING).count() == 2

    assert sweep_outbox.call() == 0  # leases still running, the other rows' tasks are still due
    with _later(settings.SORIDAM_OUTBOUND_LEASE_SECONDS * 2):
        assert sweep_outbox.call() == 4

    assert {row.state for row in OutboundMessage.objects.all()} == {"sent"}
    expected = {row.external_id for row in OutboundMessage.objects.all()}
    received = smtp_server.message_ids()
    assert len(expected) == 4  # one Message-ID per row
    assert set(received) == expected  # every row arrived
    assert received.count(rows[0].external_id) == 1  # killed before sending: sent once
    assert received.count(rows[1].external_id) == 2  # killed after sending: the re-send keeps its Message-ID


def test_no_smtp_conversation_happens_inside_a_database_transaction(
    smtp_server: Mailbox, make_case: Callable[..., Case], agent_actor: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    connection = connections["default"]  # this thread's connection, read by the server's thread
    outside = len(connection.atomic_blocks)  # the test's own transaction
    smtp_server.watch(connection)
    case = make_case(email=CUSTOMER)
    with django_capture_on_commit_callbacks(execute=True):
        actions.reply(case, "내일 도착합니다.", actor=agent_actor)
    assert len(smtp_server.messages) == 2
    assert len(smtp_server.atomic_depths) == 4  # RCPT and DATA of each mail
    assert set(smtp_server.atomic_depths) == {outside}


def test_a_message_whose_worker_dies_at_every_attempt_fails_instead_of_looping(
    smtp_server: Mailbox, teams: object, settings: Any
) -> None:
    from soridam.customers.actions import Contact

    settings.SORIDAM_OUTBOUND_MAX_ATTEMPTS = 2
    actions.open_case(actions.NewCase("배송 문의", "언제 오나요?", Contact(name="고객", email=CUSTOMER)))
    row = OutboundMessage.objects.get()
    lease = settings.SORIDAM_OUTBOUND_LEASE_SECONDS
    assert delivery.claim(row.pk) is not None  # killed
    with _later(lease + 1):
        assert delivery.claim(row.pk) is not None  # killed again
    with _later(2 * lease + 2):
        assert delivery.claim(row.pk) is None
        assert sweep_outbox.call() == 0
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("failed", 2)
    assert "worker stopped" in row.last_error
    assert smtp_server.messages == []


def test_a_case_filed_for_a_messenger_without_a_message_from_it_is_acknowledged_by_email(
    smtp_server: Mailbox, make_case: Callable[..., Case]
) -> None:
    case = make_case(email=CUSTOMER, channel="kakao")  # e.g. imported through the API
    row = OutboundMessage.objects.get(case=case)
    assert (row.channel, row.recipient, row.state) == ("email", CUSTOMER, "sent")
    assert smtp_server.message_ids() == [row.external_id]
