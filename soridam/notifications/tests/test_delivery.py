"""Outbound delivery through ``Transport.send`` against a real SMTP server (aiosmtpd): permanent and
temporary refusals, a worker killed between claim and record, and no SMTP inside a transaction."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from email.header import decode_header, make_header
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import WorkerKilled
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case
from soridam.notifications import delivery
from soridam.notifications.models import DeliveryState, NotificationKind, OutboundMessage
from soridam.notifications.outbox import notify_customer
from soridam.notifications.tasks import deliver_outbound, deliver_outbounds, sweep_outbox

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


def test_a_worker_killed_before_its_send_began_sends_again_and_one_killed_after_the_250_leaves_it_in_doubt(
    smtp_server: Mailbox, teams: object, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from soridam.channels.email import sending
    from soridam.customers.actions import Contact

    for n in range(4):  # queued, never delivered: the test transaction does not commit
        contact = Contact(name=f"고객{n}", email=f"c{n}@example.kr")
        actions.open_case(actions.NewCase("배송 문의", "언제 오나요?", contact))
    rows = list(OutboundMessage.objects.order_by("id"))
    assert [row.state for row in rows] == ["queued"] * 4
    assert delivery.claim(rows[0].pk) is not None  # killed after the claim, before the send began
    real_send = sending.send_email

    def killed_after_the_250(*args: Any) -> Any:
        real_send(*args)  # the server answered 250: the customer has it
        raise WorkerKilled

    monkeypatch.setattr(sending, "send_email", killed_after_the_250)
    with pytest.raises(WorkerKilled):
        delivery.deliver(rows[1].pk)
    monkeypatch.undo()
    assert OutboundMessage.objects.filter(state=DeliveryState.SENDING).count() == 2

    assert sweep_outbox.call() == 0  # leases still running, the other rows' tasks are still due
    with _later(settings.SORIDAM_OUTBOUND_LEASE_SECONDS * 2):
        assert sweep_outbox.call() == 3
        assert sweep_outbox.call() == 0
        assert deliver_outbound.call(rows[1].pk) == DeliveryState.IN_DOUBT

    states = dict(OutboundMessage.objects.values_list("pk", "state"))
    assert states == {rows[0].pk: "sent", rows[1].pk: "in_doubt", rows[2].pk: "sent", rows[3].pk: "sent"}
    received = smtp_server.message_ids()
    assert sorted(received) == sorted(row.external_id for row in rows)  # each row arrived once, none twice
    in_doubt = OutboundMessage.objects.get(pk=rows[1].pk)
    assert in_doubt.last_error == delivery.IN_DOUBT_REASON
    failure = in_doubt.case.events.get(kind="delivery_failed")  # the agent sees it on the case, and decides
    assert "may have arrived" in failure.reason


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


class ConnectionCounter:
    """Which SMTP connection (the client's address and port) carried each accepted message."""

    def __init__(self, mailbox: Mailbox) -> None:
        self.peers: dict[str, object] = {}
        real = mailbox.handle_DATA

        async def handle_data(server: Any, session: Any, envelope: Any) -> str:
            reply = await real(server, session, envelope)
            self.peers[str(mailbox.messages[-1][1]["Message-ID"])] = session.peer
            return reply

        mailbox.handle_DATA = handle_data  # type: ignore[method-assign]


def _replies(cases: list[Case]) -> list[OutboundMessage]:
    """One queued reply per case: not delivered here (no commit runs the task)."""
    rows = [notify_customer(case, NotificationKind.AGENT_REPLY) for case in cases]
    assert all(row is not None and row.state == DeliveryState.QUEUED for row in rows)
    return [row for row in rows if row is not None]


def test_a_batch_of_deliveries_is_claimed_at_once_and_sent_over_one_smtp_connection(
    smtp_server: Mailbox, make_case: Callable[..., Case]
) -> None:
    cases = [make_case(email=f"customer{n}@example.kr") for n in range(6)]
    rows = _replies(cases)
    counter = ConnectionCounter(smtp_server)

    with CaptureQueriesContext(connections["default"]) as ctx:
        assert deliver_outbounds([row.pk for row in rows]) == 6

    assert {row.state for row in OutboundMessage.objects.filter(pk__in=[r.pk for r in rows])} == {DeliveryState.SENT}
    assert [counter.peers.get(row.external_id) is not None for row in rows] == [True] * 6
    assert len(set(counter.peers.values())) == 1
    claims = [q for q in ctx.captured_queries if q["sql"].startswith("UPDATE") and "RETURNING" in q["sql"]]
    assert len(claims) == 1
    # The texts rendered for the batch are kept in one statement, before the first send, as sent.
    updates = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
    texts = [sql for sql in updates if "subject" in sql.split("WHERE")[0]]
    assert len(texts) == 1
    sent = {str(message["Message-ID"]): message for _envelope, message in smtp_server.messages}
    for row in OutboundMessage.objects.filter(pk__in=[r.pk for r in rows]).select_related("case"):
        assert row.subject.startswith(f"[{row.case.reference}]")
        assert str(make_header(decode_header(sent[row.external_id]["Subject"]))).strip() == row.subject
    # A second run (a duplicate task row) finds every row sent: nothing goes twice.
    deliver_outbounds([row.pk for row in rows])
    assert len(smtp_server.messages) == 6 + 6  # the six acknowledgements, then the six replies


def test_in_a_batch_a_refused_and_a_hung_up_message_fail_alone_and_the_rest_go_on_a_new_connection(
    smtp_server: Mailbox, make_case: Callable[..., Case]
) -> None:
    addresses = ["a@example.kr", "refused@example.kr", "hangup@example.kr", "b@example.kr", "c@example.kr"]
    cases = [make_case(email=address) for address in addresses]
    smtp_server.refusals["refused@example.kr"] = "550 5.1.1 No such user"
    smtp_server.refusals["hangup@example.kr"] = "421 4.3.0 Closing the connection"
    rows = _replies(cases)
    counter = ConnectionCounter(smtp_server)

    assert deliver_outbounds([row.pk for row in rows]) == 3

    stored = {row.recipient: row for row in OutboundMessage.objects.filter(pk__in=[r.pk for r in rows])}
    assert {address: stored[address].state for address in addresses} == {
        "a@example.kr": DeliveryState.SENT,
        "refused@example.kr": DeliveryState.FAILED,  # a 5xx: never retried
        "hangup@example.kr": DeliveryState.QUEUED,  # a 4xx: retried later
        "b@example.kr": DeliveryState.SENT,
        "c@example.kr": DeliveryState.SENT,
    }
    assert "550 5.1.1" in stored["refused@example.kr"].last_error
    assert stored["hangup@example.kr"].next_attempt_at > timezone.now()
    assert all(stored[address].attempts == 1 for address in addresses)
    peers = [counter.peers[stored[address].external_id] for address in ("a@example.kr", "b@example.kr", "c@example.kr")]
    assert peers[0] != peers[1] == peers[2]  # a new connection after the failures, then kept for the rest


def test_rows_whose_lease_ran_out_during_a_slow_batch_are_sent_once_by_it_when_no_other_worker_took_them(
    smtp_server: Mailbox, make_case: Callable[..., Case], settings: Any
) -> None:
    cases = [make_case(email=f"slow{n}@example.kr") for n in range(3)]
    rows = _replies(cases)
    settings.SORIDAM_OUTBOUND_LEASE_SECONDS = 1
    real = smtp_server.handle_DATA

    async def slow_data(server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(1.2)  # longer than the whole lease
        return await real(server, session, envelope)

    smtp_server.handle_DATA = slow_data  # type: ignore[method-assign]
    before = len(smtp_server.messages)
    outcomes = delivery.deliver_many([row.pk for row in rows])

    # Each send begins with the check that the row is still this attempt's (nobody claimed it since), and
    # renews the lease: a lapsed lease alone does not stop a batch that nobody has overtaken.
    assert [outcomes[row.pk].state for row in rows] == [DeliveryState.SENT] * 3
    smtp_server.handle_DATA = real  # type: ignore[method-assign]
    with _later(60):
        assert [delivery.deliver(row.pk).state for row in rows] == [DeliveryState.SENT] * 3
    sent_ids = [str(message["Message-ID"]) for _envelope, message in smtp_server.messages[before:]]
    assert sorted(sent_ids) == sorted(OutboundMessage.objects.get(pk=row.pk).external_id for row in rows)
