"""LINE end to end over HTTP: the signed webhook, batches and redeliveries, refusals, the bot's answer by reply
token and an agent's later answer by push, against a local fake Messaging API with LINE's request shapes.

The bodies in ``payloads/`` follow the webhook event objects of the Messaging API reference
(developers.line.biz/en/reference/messaging-api/#webhook-event-objects: message, follow, group source,
``webhookEventId``, ``deliveryContext``) and the console's Verify body (``events: []``)."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from soridam.audit.actors import Actor
from soridam.bot.contract import BotReply, Conversation
from soridam.cases import actions
from soridam.cases.models import Case, EventKind, MessageKind
from soridam.channels.models import ChannelAccount, ChannelMessage, MessengerThread, RawPayload
from soridam.channels.tests.fakeprovider import FakeProvider
from soridam.channels.tests.webhooks import post_hook, row_counts
from soridam.customers.models import Identity
from soridam.notifications import delivery
from soridam.notifications.models import DeliveryState, OutboundMessage

SECRET = "line-channel-secret-0123456789ab"
TOKEN = "line-access-token"
USER = "U80696558e1aa831a0b1bd4ef5b0d1bc4"
PAYLOADS = Path(__file__).parent / "payloads"
RESPONDER = "soridam.channels.line.tests.test_line.answer_from_test_bot"


def answer_from_test_bot(conversation: Conversation) -> BotReply:
    return BotReply(text="배송은 보통 2~3일 걸립니다.", outcome="answered", intent="delivery", confidence=0.9)


def captured(name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((PAYLOADS / name).read_text())
    return body


def text_event(event_id: str, text: str, *, redelivery: bool = False, token: str = "") -> dict[str, Any]:
    event: dict[str, Any] = copy.deepcopy(captured("text_message.json")["events"][0])
    event["webhookEventId"], event["message"]["text"] = event_id, text
    event["message"]["id"] = str(abs(hash(event_id)))
    event["deliveryContext"]["isRedelivery"] = redelivery
    event["replyToken"] = token or uuid.uuid4().hex
    return event


def batch(*events: dict[str, Any]) -> bytes:
    return json.dumps({"destination": "Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "events": list(events)}).encode()


def sign(body: bytes, secret: str = SECRET) -> dict[str, str]:
    return {"x-line-signature": base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()}


@pytest.fixture
def account(db: None, settings: Any) -> ChannelAccount:
    settings.SORIDAM_CHAT_RESPONDER = ""
    return ChannelAccount.objects.create(kind="line", name="line", slug="line-shop", secret=SECRET, token=TOKEN)


def _post(client: Client, capture: Any, body: bytes, headers: dict[str, str] | None = None) -> Any:
    return post_hook(client, capture, "line", "line-shop", body, sign(body) if headers is None else headers)


def _bodies(case: Case) -> list[str]:
    return list(case.messages.filter(kind=MessageKind.CUSTOMER).order_by("pk").values_list("body", flat=True))


def test_a_signed_text_message_becomes_a_case_message_and_the_next_joins_the_same_case(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    first = json.dumps(captured("text_message.json")).encode()
    assert _post(client, django_capture_on_commit_callbacks, first).status_code == 200
    assert (
        _post(client, django_capture_on_commit_callbacks, batch(text_event("01FZB", "주문번호 A123"))).status_code
        == 200
    )

    case = Case.objects.get()
    assert case.channel == "line"
    assert _bodies(case) == ["Hello, world", "주문번호 A123"]
    assert Identity.objects.filter(**Identity.match("line", USER), customer=case.customer).exists()
    assert set(ChannelMessage.objects.values_list("external_id", flat=True)) == {
        "line:01FZ74A0TDDPYRVKNK77XKC3ZR",
        "line:01FZB",
    }
    assert set(RawPayload.objects.values_list("state", flat=True)) == {"processed"}


def test_a_batch_takes_in_its_text_messages_and_ignores_the_rest_with_reasons(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    body = json.loads(json.dumps(captured("mixed_batch.json")))
    body["events"].append(text_event("01FZC", "환불 문의"))
    raw = json.dumps(body).encode()
    assert _post(client, django_capture_on_commit_callbacks, raw).status_code == 200
    assert _bodies(Case.objects.get()) == ["환불 문의"]  # sticker, follow and a group message are not cases
    payload = RawPayload.objects.get()
    assert payload.state == "processed"
    assert payload.external_id.startswith("events:")


def test_the_consoles_verify_with_no_events_is_answered_and_ignored(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    raw = (PAYLOADS / "verify.json").read_bytes()
    for _attempt in range(2):
        assert _post(client, django_capture_on_commit_callbacks, raw).status_code == 200
    payload = RawPayload.objects.get()
    assert (payload.state, payload.reason) == ("ignored", "a LINE body without events (the console's Verify)")
    assert not Case.objects.exists()


def test_a_redelivery_is_stored_once_even_inside_another_batch(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    first = batch(text_event("01FZD", "교환 문의"), text_event("01FZE", "사이즈 270"))
    for _attempt in range(3):
        assert _post(client, django_capture_on_commit_callbacks, first).status_code == 200
    # LINE redelivers the same batch marked isRedelivery: the same events, stored once, not processed.
    again = json.loads(first)
    for event in again["events"]:
        event["deliveryContext"]["isRedelivery"] = True
    assert _post(client, django_capture_on_commit_callbacks, json.dumps(again).encode()).status_code == 200
    # One of them again, beside a new event, in a batch of its own: only the new one is added.
    mixed = batch(text_event("01FZE", "사이즈 270", redelivery=True), text_event("01FZF", "빨리 부탁해요"))
    assert _post(client, django_capture_on_commit_callbacks, mixed).status_code == 200

    assert _bodies(Case.objects.get()) == ["교환 문의", "사이즈 270", "빨리 부탁해요"]
    assert RawPayload.objects.count() == 3
    assert RawPayload.objects.filter(state="ignored", reason__startswith="duplicate of payload").count() == 1


def _other_body_signature() -> dict[str, str]:
    return sign(batch(text_event("01FZX", "다른 내용")))


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"x-line-signature": base64.b64encode(b"0" * 32).decode()},
        {"x-line-signature": "not base64 at all"},
        "wrong secret",
        "other body",
    ],
    ids=["missing", "forged", "garbage", "wrong-secret", "valid-signature-over-another-body"],
)
def test_a_request_without_a_valid_signature_is_refused_and_stores_nothing(
    account: ChannelAccount,
    client: Client,
    django_capture_on_commit_callbacks: Any,
    headers: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = batch(text_event("01FZG", "안녕하세요"))
    if headers == "wrong secret":
        headers = sign(body, secret="another-secret")
    elif headers == "other body":
        headers = _other_body_signature()
    before = row_counts()
    response = _post(client, django_capture_on_commit_callbacks, body, headers)
    assert response.status_code == 401
    assert row_counts() == before
    assert "webhook refused" in caplog.text
    assert SECRET not in caplog.text


def test_size_and_json(account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any) -> None:
    before = row_counts()
    big = b'{"events": [], "pad": "' + b"x" * 1_000_001 + b'"}'
    assert _post(client, django_capture_on_commit_callbacks, big).status_code == 413
    assert _post(client, django_capture_on_commit_callbacks, b'{"events": [').status_code == 400
    assert _post(client, django_capture_on_commit_callbacks, b'["events"]').status_code == 400
    assert row_counts() == before


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


@hsettings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(
        st.binary(max_size=300),
        _json.map(lambda value: json.dumps(value).encode()),
        st.lists(
            st.fixed_dictionaries(
                {"type": st.sampled_from(["message", "follow", "x"]), "source": _json, "message": _json},
                optional={"webhookEventId": st.text(max_size=8) | st.integers(), "replyToken": _json},
            ),
            max_size=3,
        ).map(lambda events: json.dumps({"events": events}).encode()),
        st.builds(lambda event_id, text: batch(text_event(event_id, text)), st.text(max_size=10), st.text(max_size=40)),
    ),
    signed=st.booleans(),
)
def test_no_body_gets_a_server_error(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any, body: bytes, signed: bool
) -> None:
    response = _post(client, django_capture_on_commit_callbacks, body, None if signed else {})
    assert response.status_code in ((200, 400) if signed else (401,))


def test_the_bot_answers_with_the_reply_token_and_an_agent_later_by_push_with_a_retry_key(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any, settings: Any, alice: Any
) -> None:
    settings.SORIDAM_CHAT_RESPONDER = RESPONDER
    with FakeProvider() as fake:
        account.options = {"api_base": fake.url}
        account.save()
        _post(client, django_capture_on_commit_callbacks, batch(text_event("01FZH", "배송 얼마나?", token="tok-1")))
        replies = fake.to("/v2/bot/message/reply")
        assert [request.json() for request in replies] == [
            {"replyToken": "tok-1", "messages": [{"type": "text", "text": "배송은 보통 2~3일 걸립니다."}]}
        ]
        assert replies[0].header("Authorization") == f"Bearer {TOKEN}"
        assert MessengerThread.objects.get().reply_context == {}  # single use

        case = Case.objects.get()
        fake.script("/v2/bot/message/push", (429, {"Retry-After": "2"}, b'{"message": "Too Many Requests"}'))
        with django_capture_on_commit_callbacks(execute=False):
            actions.reply(case, "사이즈를 알려주시면 교환해 드릴게요.", actor=Actor(user=alice))
        outbound = OutboundMessage.objects.filter(kind="agent_reply").latest("pk")
        assert (outbound.channel, outbound.recipient) == ("line", USER)
        first = delivery.deliver(outbound.pk)
        assert first.state == DeliveryState.QUEUED
        assert first.retry_at is not None
        assert 1.5 <= (first.retry_at - timezone.now()).total_seconds() <= 2.1
        time.sleep(max(0.0, (first.retry_at - timezone.now()).total_seconds()) + 0.05)
        assert delivery.deliver(outbound.pk).state == DeliveryState.SENT

        pushes = fake.to("/v2/bot/message/push")
        assert len(pushes) == 2
        assert pushes[1].at - pushes[0].at >= 1.9
        assert pushes[1].json() == {
            "to": USER,
            "messages": [{"type": "text", "text": "사이즈를 알려주시면 교환해 드릴게요."}],
        }
        assert pushes[1].header("Authorization") == f"Bearer {TOKEN}"
        keys = {request.header("X-Line-Retry-Key") for request in pushes}
        assert len(keys) == 1
        assert uuid.UUID(keys.pop())  # one UUID for both attempts: LINE delivers it once
        assert len(fake.to("/v2/bot/message/reply")) == 1


def test_an_expired_reply_token_is_not_used_and_the_answer_is_pushed(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any, alice: Any
) -> None:
    with FakeProvider() as fake:
        account.options = {"api_base": fake.url, "reply_token_seconds": 1}
        account.save()
        _post(client, django_capture_on_commit_callbacks, batch(text_event("01FZI", "문의", token="tok-old")))
        OutboundMessage.objects.all().delete()  # the acknowledgement is not what this test is about
        thread = MessengerThread.objects.get()
        thread.reply_context = {**thread.reply_context, "received_at": time.time() - 5}
        thread.save()
        with django_capture_on_commit_callbacks(execute=False):
            actions.reply(Case.objects.get(), "확인해 드릴게요.", actor=Actor(user=alice))
        assert delivery.deliver(OutboundMessage.objects.get(kind="agent_reply").pk).state == DeliveryState.SENT
        assert fake.to("/v2/bot/message/reply") == []
        assert len(fake.to("/v2/bot/message/push")) == 1


def test_a_push_answered_409_was_accepted_before_and_counts_as_sent(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any, alice: Any
) -> None:
    _post(client, django_capture_on_commit_callbacks, batch(text_event("01FZJ", "문의", redelivery=True)))
    with FakeProvider() as fake:
        account.options = {"api_base": fake.url}
        account.save()
        fake.script("/v2/bot/message/push", (409, {}, b'{"message": "The retry key is already accepted"}'))
        with django_capture_on_commit_callbacks(execute=False):
            actions.reply(Case.objects.get(), "확인해 드릴게요.", actor=Actor(user=alice))
        assert delivery.deliver(OutboundMessage.objects.get(kind="agent_reply").pk).state == DeliveryState.SENT


def test_a_400_fails_at_once_and_tells_the_assignee(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any, alice: Any
) -> None:
    _post(client, django_capture_on_commit_callbacks, batch(text_event("01FZK", "교환", redelivery=True)))
    case = Case.objects.get()
    case.assignee = alice
    case.save()
    with FakeProvider() as fake:
        account.options = {"api_base": fake.url}
        account.save()
        fake.script("/v2/bot/message/push", (400, {}, b'{"message": "The request body has 1 error(s)"}'))
        with django_capture_on_commit_callbacks(execute=False):
            actions.reply(case, "확인해 드릴게요.", actor=Actor(user=alice))
        outbound = OutboundMessage.objects.get(kind="agent_reply")
        assert delivery.deliver(outbound.pk).state == DeliveryState.FAILED
        assert len(fake.to("/v2/bot/message/push")) == 1
    outbound.refresh_from_db()
    assert "HTTP 400" in outbound.last_error
    assert TOKEN not in outbound.last_error
    assert "1 error" in case.events.get(kind=EventKind.DELIVERY_FAILED).reason
