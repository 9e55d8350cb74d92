"""Telegram end to end over HTTP: the webhook with its secret header, threading, re-deliveries, refusals,
the bot's first answer and an agent's reply reaching a local fake Bot API with Telegram's request shape."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from soridam.alerts.models import Alert, AlertKind
from soridam.audit.actors import Actor
from soridam.bot.contract import BotReply, Conversation
from soridam.cases import actions
from soridam.cases.models import Case, EventKind, MessageKind, Status
from soridam.channels.models import ChannelAccount, ChannelMessage, RawPayload
from soridam.channels.tests.fakeprovider import FakeProvider
from soridam.channels.tests.webhooks import post_hook, row_counts
from soridam.customers.models import Identity
from soridam.notifications import delivery
from soridam.notifications.models import DeliveryState, OutboundMessage

SECRET = "s3cret-token_for-webhook"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
RESPONDER = "soridam.channels.telegram.tests.test_telegram.answer_from_test_bot"


def answer_from_test_bot(conversation: Conversation) -> BotReply:
    """A bot with two behaviours: asking for a person hands over; anything else is answered."""
    if "상담원" in conversation.text:
        return BotReply(
            text="상담원에게 연결해 드릴게요.", outcome="handover", intent="ask_person", handover_reason="explicit"
        )
    return BotReply(text="배송은 보통 2~3일 걸립니다.", outcome="answered", intent="delivery", confidence=0.9)


def update(update_id: int, text: str, *, chat_id: int = 42, chat_type: str = "private") -> bytes:
    """A Telegram Update as the Bot API documents it (channels.md §4)."""
    body = {
        "update_id": update_id,
        "message": {
            "message_id": update_id + 1000,
            "from": {"id": chat_id, "is_bot": False, "first_name": "지은", "last_name": "김", "language_code": "ko"},
            "chat": {"id": chat_id, "type": chat_type, "first_name": "지은"},
            "date": 1_700_000_000 + update_id,
            "text": text,
        },
    }
    return json.dumps(body, ensure_ascii=False).encode()


@pytest.fixture
def account(db: None, settings: Any) -> ChannelAccount:
    settings.SORIDAM_CHAT_RESPONDER = ""
    return ChannelAccount.objects.create(kind="telegram", name="tg", slug="tg-shop", secret=SECRET, token="123:abc")


def _post(client: Client, capture: Any, body: bytes, headers: dict[str, str] | None = HEADERS) -> Any:
    return post_hook(client, capture, "telegram", "tg-shop", body, headers)


def test_an_update_becomes_a_case_message_and_the_next_joins_the_same_case(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    assert (
        _post(client, django_capture_on_commit_callbacks, update(1, "주문한 신발이 아직 안 왔어요")).status_code == 200
    )
    assert _post(client, django_capture_on_commit_callbacks, update(2, "주문번호는 A123 입니다")).status_code == 200

    case = Case.objects.get()
    assert case.channel == "telegram"
    assert list(case.messages.filter(kind=MessageKind.CUSTOMER).order_by("pk").values_list("body", flat=True)) == [
        "주문한 신발이 아직 안 왔어요",
        "주문번호는 A123 입니다",
    ]
    assert case.customer.name == "지은 김"
    assert Identity.objects.filter(**Identity.match("telegram", "42"), customer=case.customer).exists()
    assert set(ChannelMessage.objects.values_list("external_id", flat=True)) == {"update:1", "update:2"}
    assert set(RawPayload.objects.values_list("state", flat=True)) == {"processed"}


def test_a_redelivery_is_stored_once(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    body = update(7, "환불 문의")
    for _attempt in range(3):
        assert _post(client, django_capture_on_commit_callbacks, body).status_code == 200
    # The same update_id in other bytes (Telegram re-sends after a timeout): one message still.
    again = json.loads(body)
    again["message"]["text"] = "환불 문의"
    again["extra"] = True
    assert _post(client, django_capture_on_commit_callbacks, json.dumps(again).encode()).status_code == 200

    assert Case.objects.get().messages.filter(kind=MessageKind.CUSTOMER).count() == 1
    assert RawPayload.objects.filter(external_id="7").count() == 1


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}, {"X-Telegram-Bot-Api-Secret-Token": SECRET + "x"}],
    ids=["missing", "forged", "longer"],
)
def test_a_request_without_the_secret_is_refused_and_stores_nothing(
    account: ChannelAccount,
    client: Client,
    django_capture_on_commit_callbacks: Any,
    headers: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = row_counts()
    response = _post(client, django_capture_on_commit_callbacks, update(1, "안녕하세요"), headers)
    assert response.status_code == 403
    assert row_counts() == before
    assert "webhook refused" in caplog.text
    assert SECRET not in caplog.text


def test_size_json_method_and_unknown_accounts(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    before = row_counts()
    big = b'{"update_id": 1, "pad": "' + b"x" * 1_000_001 + b'"}'
    assert _post(client, django_capture_on_commit_callbacks, big).status_code == 413
    assert _post(client, django_capture_on_commit_callbacks, b'{"update_id": 1,').status_code == 400
    assert _post(client, django_capture_on_commit_callbacks, b"[1, 2]").status_code == 400
    assert client.get("/hooks/telegram/tg-shop/").status_code == 405
    assert (
        post_hook(client, django_capture_on_commit_callbacks, "telegram", "nobody", update(1, "x")).status_code == 404
    )
    assert post_hook(client, django_capture_on_commit_callbacks, "nokind", "tg-shop", update(1, "x")).status_code == 404
    assert row_counts() == before


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
            max_leaves=12,
        ).map(lambda value: json.dumps(value).encode()),
        st.builds(
            lambda update_id, text, chat: update(update_id, text, chat_id=chat),
            st.integers(min_value=-(2**40), max_value=2**40),
            st.text(max_size=50),
            st.integers(min_value=-(2**40), max_value=2**40),
        ),
    )
)
def test_no_body_gets_a_server_error(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any, body: bytes
) -> None:
    response = _post(client, django_capture_on_commit_callbacks, body)
    assert response.status_code in (200, 400, 413)


def test_the_bot_answers_first_and_hands_over_to_a_person(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.SORIDAM_CHAT_RESPONDER = RESPONDER
    with FakeProvider() as fake:
        account.options = {"api_base": fake.url}
        account.save()
        _post(client, django_capture_on_commit_callbacks, update(1, "배송 얼마나 걸려요?"))
        case = Case.objects.get()
        assert case.status == Status.WAITING  # answered by the bot: not in an agent's queue
        assert not OutboundMessage.objects.filter(kind="case_opened").exists()  # the bot's answer is the reply

        _post(client, django_capture_on_commit_callbacks, update(2, "상담원 연결해 주세요"))
        case.refresh_from_db()
        assert case.status == Status.OPEN
        assert case.tags.filter(name="bot:explicit").exists()
        sent = [request.json() for request in fake.to("/bot123:abc/sendMessage")]
        assert sent == [
            {"chat_id": "42", "text": "배송은 보통 2~3일 걸립니다."},
            {"chat_id": "42", "text": "상담원에게 연결해 드릴게요."},
        ]

        # After the hand-over the bot stays silent: the next message waits for the person.
        _post(client, django_capture_on_commit_callbacks, update(3, "아직인가요?"))
        assert len(fake.to("/bot123:abc/sendMessage")) == 2


def test_an_agent_reply_reaches_the_bot_api_and_a_429_is_retried_after_retry_after(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any, alice: Any
) -> None:
    _post(client, django_capture_on_commit_callbacks, update(1, "교환하고 싶어요"))
    case = Case.objects.get()
    with FakeProvider() as fake:
        account.options = {"api_base": fake.url}
        account.save()
        fake.script("/bot123:abc/sendMessage", (429, {"Retry-After": "2"}, b'{"ok": false, "error_code": 429}'))
        with django_capture_on_commit_callbacks(execute=False):
            actions.reply(case, "사이즈를 알려주시면 교환해 드릴게요.", actor=Actor(user=alice))
        outbound = OutboundMessage.objects.get(kind="agent_reply")
        assert (outbound.channel, outbound.recipient) == ("telegram", "42")

        first = delivery.deliver(outbound.pk)
        assert first.state == DeliveryState.QUEUED
        assert first.retry_at is not None
        assert 1.5 <= (first.retry_at - timezone.now()).total_seconds() <= 2.1
        assert delivery.deliver(outbound.pk).state == DeliveryState.QUEUED  # not due yet: not sent again
        time.sleep(max(0.0, (first.retry_at - timezone.now()).total_seconds()) + 0.05)
        assert delivery.deliver(outbound.pk).state == DeliveryState.SENT

        tries = fake.to("/bot123:abc/sendMessage")
        assert len(tries) == 2
        assert tries[1].at - tries[0].at >= 1.9
        assert tries[1].json() == {"chat_id": "42", "text": "사이즈를 알려주시면 교환해 드릴게요."}
        assert tries[1].header("Content-Type") == "application/json"


def test_a_400_fails_at_once_and_tells_the_assignee(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any, alice: Any
) -> None:
    _post(client, django_capture_on_commit_callbacks, update(1, "교환하고 싶어요"))
    case = Case.objects.get()
    case.assignee = alice
    case.save()
    with FakeProvider() as fake:
        account.options = {"api_base": fake.url}
        account.save()
        fake.script("/bot123:abc/sendMessage", (400, {}, b'{"ok":false,"description":"Bad Request: chat not found"}'))
        with django_capture_on_commit_callbacks(execute=False):
            actions.reply(case, "확인해 드릴게요.", actor=Actor(user=alice))
        outbound = OutboundMessage.objects.get(kind="agent_reply")
        assert delivery.deliver(outbound.pk).state == DeliveryState.FAILED
        assert len(fake.to("/bot123:abc/sendMessage")) == 1
    outbound.refresh_from_db()
    assert "HTTP 400" in outbound.last_error
    assert "123:abc" not in outbound.last_error  # the token is in the URL and must not leak
    event = case.events.get(kind=EventKind.DELIVERY_FAILED)
    assert "chat not found" in event.reason
    assert Alert.objects.filter(recipient=alice, case=case, kind=AlertKind.DELIVERY_FAILED).exists()


def test_a_nul_character_from_the_customer_is_dropped_not_a_failure(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """PostgreSQL text refuses NUL: a message holding one must still become a case message (and on SQLite too)."""
    assert _post(client, django_capture_on_commit_callbacks, update(5, "환불\x00해 주세요")).status_code == 200
    message = Case.objects.get().messages.get(kind=MessageKind.CUSTOMER)
    assert message.body == "환불해 주세요"
    assert RawPayload.objects.get().state == "processed"
