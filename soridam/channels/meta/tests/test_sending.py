"""Replies to Meta customers over real HTTP against a local fake Graph API: the documented request shapes and
auth, Retry-After, permanent and throttling errors, WhatsApp statuses on the outbox row, the 24-hour window
(and Messenger's 7-day HUMAN_AGENT tag), and approved WhatsApp templates."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from soridam.accounts.models import User
from soridam.alerts.models import Alert, AlertKind
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, EventKind
from soridam.channels.meta import replies
from soridam.channels.meta.models import MessageTemplate
from soridam.channels.meta.tests.conftest import make_account
from soridam.channels.meta.tests.shapes import (
    PHONE_NUMBER_ID,
    TOKEN,
    USER,
    captured,
    encode,
    message,
    post_signed,
)
from soridam.channels.models import ChannelAccount, MessengerThread
from soridam.channels.tests.fakeprovider import FakeProvider
from soridam.notifications import delivery
from soridam.notifications.models import DeliveryState, OutboundMessage

WAMID = "wamid.OUR-REPLY"
ANSWERS = {
    "whatsapp": json.dumps(
        {"messaging_product": "whatsapp", "contacts": [{"input": USER["whatsapp"]}], "messages": [{"id": WAMID}]}
    ).encode(),
    "messenger": json.dumps({"recipient_id": USER["messenger"], "message_id": "m_OUR-REPLY"}).encode(),
    "instagram": json.dumps({"recipient_id": USER["instagram"], "message_id": "m_OUR-REPLY"}).encode(),
}
GRAPH_ERROR = b'{"error": {"message": "(#100) Invalid parameter", "type": "OAuthException", "code": 100}}'


def path(kind: str) -> str:
    return f"/v25.0/{PHONE_NUMBER_ID}/messages" if kind == "whatsapp" else "/v25.0/me/messages"


@pytest.fixture
def graph(account: ChannelAccount, settings: Any) -> Iterator[FakeProvider]:
    settings.SORIDAM_META_GRAPH_VERSION = "v25.0"
    with FakeProvider(default=(200, {"Content-Type": "application/json"}, ANSWERS[account.kind])) as fake:
        account.options = {**account.options, "api_base": fake.url}
        account.save()
        yield fake


def _case_from_customer(client: Client, capture: Any, kind: str) -> Case:
    assert post_signed(client, capture, kind, encode(message(kind, "in-1", "교환하고 싶어요"))).status_code == 200
    return Case.objects.get()


def _reply(case: Case, user: User, text: str, capture: Any) -> OutboundMessage:
    with capture(execute=False):
        actions.reply(case, text, actor=Actor(user=user))
    return OutboundMessage.objects.filter(kind="agent_reply").latest("pk")


def _customer_wrote(case: Case, ago: timedelta) -> None:
    MessengerThread.objects.filter(case=case).update(last_inbound_at=timezone.now() - ago)


def _documented_text(kind: str, text: str) -> dict[str, Any]:
    if kind == "whatsapp":
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": USER[kind],
            "type": "text",
            "text": {"preview_url": False, "body": text},
        }
    return {"recipient": {"id": USER[kind]}, "messaging_type": "RESPONSE", "message": {"text": text}}


def test_an_agent_reply_reaches_the_graph_api_with_the_documented_shape_and_auth(
    account: ChannelAccount, graph: FakeProvider, client: Client, django_capture_on_commit_callbacks: Any, alice: User
) -> None:
    kind = account.kind
    case = _case_from_customer(client, django_capture_on_commit_callbacks, kind)
    outbound = _reply(case, alice, "사이즈를 알려주시면 교환해 드릴게요.", django_capture_on_commit_callbacks)
    assert (outbound.channel, outbound.recipient) == (kind, USER[kind])

    assert delivery.deliver(outbound.pk).state == DeliveryState.SENT
    [sent] = graph.to(path(kind))
    assert sent.method == "POST"
    assert sent.json() == _documented_text(kind, "사이즈를 알려주시면 교환해 드릴게요.")
    assert sent.header("Authorization") == f"Bearer {TOKEN}"
    assert sent.header("Content-Type") == "application/json"
    assert TOKEN not in sent.path  # the token travels in the header only
    outbound.refresh_from_db()
    assert outbound.external_id == (WAMID if kind == "whatsapp" else "m_OUR-REPLY")


def test_a_429_with_retry_after_is_retried_after_it(
    account: ChannelAccount, graph: FakeProvider, client: Client, django_capture_on_commit_callbacks: Any, alice: User
) -> None:
    kind = account.kind
    case = _case_from_customer(client, django_capture_on_commit_callbacks, kind)
    graph.script(path(kind), (429, {"Retry-After": "2"}, GRAPH_ERROR.replace(b"100", b"4")))
    outbound = _reply(case, alice, "확인해 드릴게요.", django_capture_on_commit_callbacks)

    first = delivery.deliver(outbound.pk)
    assert first.state == DeliveryState.QUEUED
    assert first.retry_at is not None
    assert 1.5 <= (first.retry_at - timezone.now()).total_seconds() <= 2.1
    assert delivery.deliver(outbound.pk).state == DeliveryState.QUEUED  # not due yet: not sent again
    time.sleep(max(0.0, (first.retry_at - timezone.now()).total_seconds()) + 0.05)
    assert delivery.deliver(outbound.pk).state == DeliveryState.SENT
    tries = graph.to(path(kind))
    assert len(tries) == 2
    assert tries[1].at - tries[0].at >= 1.9
    assert tries[1].json() == tries[0].json() == _documented_text(kind, "확인해 드릴게요.")


def test_a_400_fails_at_once_with_graphs_reason_on_the_case(
    account: ChannelAccount, graph: FakeProvider, client: Client, django_capture_on_commit_callbacks: Any, alice: User
) -> None:
    kind = account.kind
    case = _case_from_customer(client, django_capture_on_commit_callbacks, kind)
    Case.objects.filter(pk=case.pk).update(assignee=alice)
    graph.script(path(kind), (400, {"Content-Type": "application/json"}, GRAPH_ERROR))
    outbound = _reply(case, alice, "확인해 드릴게요.", django_capture_on_commit_callbacks)

    assert delivery.deliver(outbound.pk).state == DeliveryState.FAILED
    assert len(graph.to(path(kind))) == 1
    outbound.refresh_from_db()
    assert "HTTP 400 (code 100) (#100) Invalid parameter" in outbound.last_error
    assert TOKEN not in outbound.last_error
    assert "127.0.0.1" not in outbound.last_error
    assert "Invalid parameter" in case.events.get(kind=EventKind.DELIVERY_FAILED).reason
    assert Alert.objects.filter(recipient=alice, case=case, kind=AlertKind.DELIVERY_FAILED).exists()


def test_a_throttling_code_is_retried_even_in_a_400(
    db: None, settings: Any, client: Client, django_capture_on_commit_callbacks: Any, alice: User
) -> None:
    settings.SORIDAM_CHAT_RESPONDER, settings.SORIDAM_META_GRAPH_VERSION = "", "v25.0"
    throttled = b'{"error": {"message": "(#130429) Rate limit hit", "type": "OAuthException", "code": 130429}}'
    with FakeProvider(default=(200, {}, ANSWERS["whatsapp"])) as fake:
        make_account("whatsapp", api_base=fake.url)
        case = _case_from_customer(client, django_capture_on_commit_callbacks, "whatsapp")
        fake.script(path("whatsapp"), (400, {}, throttled))
        outbound = _reply(case, alice, "확인해 드릴게요.", django_capture_on_commit_callbacks)
        outcome = delivery.deliver(outbound.pk)
    assert outcome.state == DeliveryState.QUEUED
    outbound.refresh_from_db()
    assert "code 130429" in outbound.last_error


def test_whatsapp_statuses_move_the_outbox_row_forward_and_a_failure_reaches_the_case(
    db: None, settings: Any, client: Client, django_capture_on_commit_callbacks: Any, alice: User
) -> None:
    settings.SORIDAM_CHAT_RESPONDER, settings.SORIDAM_META_GRAPH_VERSION = "", "v25.0"
    with FakeProvider(default=(200, {}, ANSWERS["whatsapp"])) as fake:
        make_account("whatsapp", api_base=fake.url)
        case = _case_from_customer(client, django_capture_on_commit_callbacks, "whatsapp")
        outbound = _reply(case, alice, "확인해 드릴게요.", django_capture_on_commit_callbacks)
        delivery.deliver(outbound.pk)

    def status(state: str, at: int) -> bytes:
        body = json.loads(captured("whatsapp_statuses.json"))
        body["entry"][0]["changes"][0]["value"]["statuses"][0].update(status=state, timestamp=str(at))
        return encode(body)

    def state_after(raw: bytes) -> str:
        assert post_signed(client, django_capture_on_commit_callbacks, "whatsapp", raw).status_code == 200
        outbound.refresh_from_db()
        return outbound.state

    assert state_after(captured("whatsapp_statuses.json")) == DeliveryState.DELIVERED
    assert state_after(status("read", 1_749_416_400)) == DeliveryState.READ
    assert state_after(status("delivered", 1_749_416_401)) == DeliveryState.READ  # never backwards
    assert state_after(captured("whatsapp_failed.json")) == DeliveryState.FAILED
    assert "131047 Re-engagement message" in outbound.last_error
    assert "more than 24 hours" in case.events.get(kind=EventKind.DELIVERY_FAILED).reason


def test_whatsapp_free_text_after_24_hours_is_refused_before_storing_and_when_sending(
    db: None, settings: Any, client: Client, django_capture_on_commit_callbacks: Any, alice: User
) -> None:
    settings.SORIDAM_CHAT_RESPONDER, settings.SORIDAM_META_GRAPH_VERSION = "", "v25.0"
    with FakeProvider(default=(200, {}, ANSWERS["whatsapp"])) as fake:
        make_account("whatsapp", api_base=fake.url)
        case = _case_from_customer(client, django_capture_on_commit_callbacks, "whatsapp")
        translation.activate("en")  # the refusals are matched in English (a request leaves Korean active)
        _customer_wrote(case, timedelta(hours=23, minutes=59))
        replies.check_free_text(case)  # still inside: no error
        _customer_wrote(case, timedelta(hours=24, minutes=1))
        with pytest.raises(replies.OutsideWindow, match="only an approved template"):
            replies.check_free_text(case)
        # A reply that skipped the check (the API) is refused by the transport, with the reason on the case.
        outbound = _reply(case, alice, "늦었지만 답장 드려요.", django_capture_on_commit_callbacks)
        assert delivery.deliver(outbound.pk).state == DeliveryState.FAILED
        assert fake.requests == []
    assert "only an approved template" in case.events.get(kind=EventKind.DELIVERY_FAILED).reason


def test_an_approved_template_goes_out_with_the_documented_shape_outside_the_window(
    db: None, settings: Any, client: Client, django_capture_on_commit_callbacks: Any, alice: User
) -> None:
    settings.SORIDAM_CHAT_RESPONDER, settings.SORIDAM_META_GRAPH_VERSION = "", "v25.0"
    template = MessageTemplate.objects.create(name="order_update", body="{{1}} 님, 주문 {{2}} 확인했어요.")
    with FakeProvider(default=(200, {}, ANSWERS["whatsapp"])) as fake:
        make_account("whatsapp", api_base=fake.url)
        case = _case_from_customer(client, django_capture_on_commit_callbacks, "whatsapp")
        _customer_wrote(case, timedelta(days=3))
        with django_capture_on_commit_callbacks(execute=False):
            reply = replies.send_template(case, template, ["김지은", "A123"], actor=Actor(user=alice))
        assert reply.body == "김지은 님, 주문 A123 확인했어요."
        outbound = OutboundMessage.objects.get(message=reply)
        assert delivery.deliver(outbound.pk).state == DeliveryState.SENT
        [sent] = fake.to(path("whatsapp"))
    assert sent.json() == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": USER["whatsapp"],
        "type": "template",
        "template": {
            "name": "order_update",
            "language": {"code": "ko"},
            "components": [
                {"type": "body", "parameters": [{"type": "text", "text": "김지은"}, {"type": "text", "text": "A123"}]}
            ],
        },
    }
    assert sent.header("Authorization") == f"Bearer {TOKEN}"


@pytest.mark.parametrize("kind", ["messenger", "instagram"])
def test_a_persons_late_reply_is_tagged_human_agent_up_to_7_days_and_refused_after(
    account: ChannelAccount, graph: FakeProvider, client: Client, django_capture_on_commit_callbacks: Any, alice: User
) -> None:
    kind = account.kind
    case = _case_from_customer(client, django_capture_on_commit_callbacks, kind)
    translation.activate("en")  # the refusal is matched in English (a request leaves Korean active)
    _customer_wrote(case, timedelta(days=3))
    replies.check_free_text(case)
    outbound = _reply(case, alice, "확인이 늦었습니다.", django_capture_on_commit_callbacks)
    assert delivery.deliver(outbound.pk).state == DeliveryState.SENT
    assert graph.to(path(kind))[0].json() == {
        "recipient": {"id": USER[kind]},
        "messaging_type": "MESSAGE_TAG",
        "tag": "HUMAN_AGENT",
        "message": {"text": "확인이 늦었습니다."},
    }
    # A notice (not a person's reply) after 24 hours may not use the tag: refused.
    with django_capture_on_commit_callbacks(execute=False):
        actions.change_status(case, "solved", actor=Actor(user=alice))
    notice = OutboundMessage.objects.exclude(kind="agent_reply").latest("pk")
    OutboundMessage.objects.filter(pk=notice.pk).update(next_attempt_at=timezone.now())  # not held for the policy
    assert delivery.deliver(notice.pk).state == DeliveryState.FAILED
    _customer_wrote(case, timedelta(days=7, minutes=1))
    with pytest.raises(replies.OutsideWindow, match="more than 7 days"):
        replies.check_free_text(case)
    assert len(graph.to(path(kind))) == 1
