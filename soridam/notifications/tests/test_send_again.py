"""An agent sends a failed or in-doubt message to the customer again from the case page, against a real SMTP
server: the same outbox row goes again (its Message-ID kept), to the customer's address as it is now."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from soridam.audit.actors import Actor
from soridam.audit.models import AuditEntry
from soridam.cases import actions
from soridam.cases.models import Case
from soridam.notifications.models import DeliveryState, OutboundMessage

if TYPE_CHECKING:
    from conftest import Mailbox

pytestmark = [pytest.mark.django_db, pytest.mark.smtp]

CUSTOMER = "kim@example.kr"


def _failed_reply(smtp_server: Mailbox, case: Case, actor: Actor, capture: Any) -> OutboundMessage:
    smtp_server.refusals[CUSTOMER] = "550 5.1.1 Mailbox unavailable"
    with capture(execute=True):
        reply = actions.reply(case, "교환해 드리겠습니다.", actor=actor)
    row = OutboundMessage.objects.get(message=reply)
    assert row.state == DeliveryState.FAILED
    return row


def _send_again(client: Client, case: Case, row: OutboundMessage, capture: Any) -> Any:
    with capture(execute=True):
        return client.post(f"/workspace/cases/{case.pk}/deliveries/again/", {"outbound": row.pk})


def test_a_bounced_reply_goes_again_to_the_corrected_address_and_the_timeline_says_so(
    smtp_server: Mailbox,
    make_case: Callable[..., Case],
    agent_actor: Actor,
    alice_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    case = make_case(email=CUSTOMER)
    row = _failed_reply(smtp_server, case, agent_actor, django_capture_on_commit_callbacks)
    page = alice_client.get(f"/workspace/cases/{case.pk}/").content.decode()
    assert f'action="/workspace/cases/{case.pk}/deliveries/again/"' in page
    assert f'name="outbound" value="{row.pk}"' in page
    case.customer.email = "kim.new@example.kr"  # the agent corrected the address the mail bounced from
    case.customer.save()

    response = _send_again(alice_client, case, row, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.state, row.attempts, row.recipient, row.last_error) == ("sent", 1, "kim.new@example.kr", "")
    assert smtp_server.recipients_tried[-1] == "kim.new@example.kr"
    assert smtp_server.message_ids()[-1] == row.external_id  # the same Message-ID as the bounced one
    event = case.events.get(kind="delivery_retried")
    assert (event.from_value, event.message_id, event.actor_name) == ("failed", row.message_id, "alice")
    audit = AuditEntry.objects.get(stream=f"cases.case:{case.pk}", action="case.delivery_retried")
    assert audit.data == {"outbound": row.pk, "was": "failed"}


def test_an_in_doubt_message_asks_before_it_goes_again(
    smtp_server: Mailbox,
    make_case: Callable[..., Case],
    agent_actor: Actor,
    alice_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    case = make_case(email=CUSTOMER)
    row = _failed_reply(smtp_server, case, agent_actor, django_capture_on_commit_callbacks)
    OutboundMessage.objects.filter(pk=row.pk).update(state=DeliveryState.IN_DOUBT)
    del smtp_server.refusals[CUSTOMER]
    page = alice_client.get(f"/workspace/cases/{case.pk}/").content.decode()  # alice reads Korean
    assert "고객이 이미 이 메시지를 받았을 수 있습니다. 다시 보낼까요?" in page

    assert _send_again(alice_client, case, row, django_capture_on_commit_callbacks).status_code == 302

    row.refresh_from_db()
    assert (row.state, row.recipient) == ("sent", CUSTOMER)
    assert case.events.get(kind="delivery_retried").from_value == "in_doubt"


def test_a_sent_message_or_another_teams_case_is_refused_and_nothing_changes(
    smtp_server: Mailbox,
    make_case: Callable[..., Case],
    agent_actor: Actor,
    alice_client: Client,
    bob_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    case = make_case(email=CUSTOMER)
    row = _failed_reply(smtp_server, case, agent_actor, django_capture_on_commit_callbacks)
    tried = len(smtp_server.recipients_tried)

    assert _send_again(bob_client, case, row, django_capture_on_commit_callbacks).status_code == 404
    acknowledgement = OutboundMessage.objects.filter(case=case, message=None).get()
    assert acknowledgement.state == DeliveryState.SENT
    assert _send_again(alice_client, case, acknowledgement, django_capture_on_commit_callbacks).status_code == 400

    row.refresh_from_db()
    assert (row.state, row.attempts) == ("failed", 1)
    assert len(smtp_server.recipients_tried) == tried
    assert not case.events.filter(kind="delivery_retried").exists()
