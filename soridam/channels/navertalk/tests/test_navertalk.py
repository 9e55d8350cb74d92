"""Naver TalkTalk end to end over HTTP: the source and partner checks, windowed de-duplication without an event
id, the bot with its hand-over to the partner centre and back, the under-14 consent flow, and agents' replies
reaching a local fake chatbot API with TalkTalk's request shape.

The bodies in ``payloads/`` follow the navertalk/chatbot-api documentation on GitHub (README.md: the ``open``,
``send``, ``leave`` and ``friend`` events; handover_v1.md: ``standby``, ``echo`` and the partner centre's
``handover`` with ``control: passThread``)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from soridam.audit.actors import Actor
from soridam.bot.contract import BotReply, Conversation
from soridam.cases import actions
from soridam.cases.models import Case, EventKind, MessageKind, Status
from soridam.channels.models import ChannelAccount, MessengerThread, RawPayload
from soridam.channels.navertalk.models import NaverTalkUser
from soridam.channels.navertalk.transport import consent_notice
from soridam.channels.tests.fakeprovider import FakeProvider
from soridam.channels.tests.webhooks import post_hook, row_counts
from soridam.customers.models import Identity
from soridam.notifications import delivery
from soridam.notifications.models import DeliveryState, OutboundMessage

KEY = "ct_wc1234_Pb1AXDQ0RZWuCccpzdNL"
USER = "al-2eGuGr5WQOnco1_V-FQ"
EVENT = "/chatbot/v1/event"
PAYLOADS = Path(__file__).parent / "payloads"
RESPONDER = "soridam.channels.navertalk.tests.test_navertalk.answer_from_test_bot"
OK = (200, {"Content-Type": "application/json"}, b'{"success": true, "resultCode": "00"}')
bot_calls: list[str] = []


def answer_from_test_bot(conversation: Conversation) -> BotReply:
    bot_calls.append(conversation.text)
    if "상담원" in conversation.text:
        return BotReply(
            text="상담원에게 연결해 드릴게요.", outcome="handover", intent="ask_person", handover_reason="explicit"
        )
    return BotReply(text="배송은 보통 2~3일 걸립니다.", outcome="answered", intent="delivery", confidence=0.9)


def captured(name: str, **changes: Any) -> bytes:
    body = json.loads((PAYLOADS / name).read_text())
    body.update(changes)
    return json.dumps(body, ensure_ascii=False).encode()


def said(text: str, **changes: Any) -> bytes:
    return captured("send_text.json", textContent={"text": text, "inputType": "typing"}, **changes)


@pytest.fixture
def account(db: None, settings: Any) -> ChannelAccount:
    settings.SORIDAM_CHAT_RESPONDER = ""
    settings.SORIDAM_NAVERTALK_SOURCES = ["117.52.141.192/27", "127.0.0.1/32"]  # the test client's address
    bot_calls.clear()
    return ChannelAccount.objects.create(
        kind="navertalk", name="talk", slug="talk-7f3kq9", token=KEY, options={"partner": "wc1234"}
    )


def _post(client: Client, capture: Any, body: bytes) -> Any:
    return post_hook(client, capture, "navertalk", "talk-7f3kq9", body)


def _bodies(case: Case) -> list[str]:
    return list(case.messages.filter(kind=MessageKind.CUSTOMER).order_by("pk").values_list("body", flat=True))


def _use(account: ChannelAccount, fake: FakeProvider, **options: Any) -> None:
    account.options = {**account.options, "api_base": fake.url, **options}
    account.save()


def test_a_send_event_becomes_a_case_message_and_the_next_joins_the_same_case(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    response = _post(client, django_capture_on_commit_callbacks, (PAYLOADS / "send_text.json").read_bytes())
    assert (response.status_code, response.content) == (200, b"")  # an empty 200: no message in the answer
    assert _post(client, django_capture_on_commit_callbacks, said("주문번호는 A123 입니다")).status_code == 200

    case = Case.objects.get()
    assert case.channel == "navertalk"
    assert _bodies(case) == ["hello world", "주문번호는 A123 입니다"]
    assert Identity.objects.filter(**Identity.match("navertalk", USER), customer=case.customer).exists()
    assert set(RawPayload.objects.values_list("state", flat=True)) == {"processed"}


@pytest.mark.parametrize("name", ["leave.json", "friend.json", "echo.json"])
def test_leave_friend_and_echo_are_stored_and_ignored_with_a_reason(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any, name: str
) -> None:
    assert _post(client, django_capture_on_commit_callbacks, (PAYLOADS / name).read_bytes()).status_code == 200
    payload = RawPayload.objects.get()
    assert payload.state == "ignored"
    assert payload.reason.startswith(f"a TalkTalk {name.removesuffix('.json')} event: ")
    assert not Case.objects.exists()


def test_a_redelivery_is_stored_once_within_the_window_and_a_later_repeat_is_a_new_message(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    # Re-deliveries are recognised within 10-second windows: start at a window's start, or the copies straddle two.
    with time_machine.travel(datetime(2026, 12, 7, 3, 0, 0, 100_000, tzinfo=UTC), tick=True):
        _redeliveries(client, django_capture_on_commit_callbacks)


def _redeliveries(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    body = said("네")
    for _attempt in range(3):
        assert _post(client, django_capture_on_commit_callbacks, body).status_code == 200
    # The same event in other bytes (keys in another order): the same user, event and content.
    reordered = json.dumps(dict(reversed(list(json.loads(body).items()))), ensure_ascii=False).encode()
    assert _post(client, django_capture_on_commit_callbacks, reordered).status_code == 200
    assert _bodies(Case.objects.get()) == ["네"]
    assert RawPayload.objects.count() == 2  # the reordered copy is kept, as a duplicate

    # A copy that arrives just after a window boundary gets a new payload id, and is still recognised.
    for payload in RawPayload.objects.all():
        RawPayload.objects.filter(pk=payload.pk).update(external_id=f"an earlier window {payload.pk}")
    assert _post(client, django_capture_on_commit_callbacks, body).status_code == 200
    assert RawPayload.objects.latest("pk").reason == "the same TalkTalk message again within the re-delivery window"
    assert _bodies(Case.objects.get()) == ["네"]

    # The customer says the same thing again a minute later: that is a message.
    for payload in RawPayload.objects.all():
        RawPayload.objects.filter(pk=payload.pk).update(
            received_at=timezone.now() - timedelta(minutes=1), external_id=f"older {payload.pk}"
        )
    assert _post(client, django_capture_on_commit_callbacks, body).status_code == 200
    assert _bodies(Case.objects.get()) == ["네", "네"]


def test_a_call_from_outside_the_published_range_is_refused_and_stores_nothing(
    account: ChannelAccount, client: Client, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.SORIDAM_NAVERTALK_SOURCES = ["117.52.141.192/27"]
    before = row_counts()
    for address in ("127.0.0.1", "117.52.141.191", "117.52.141.224", "::1"):
        response = client.post(
            "/hooks/navertalk/talk-7f3kq9/", data=said("안녕"), content_type="application/json", REMOTE_ADDR=address
        )
        assert response.status_code == 403
    assert row_counts() == before
    assert "webhook refused" in caplog.text
    inside = client.post(
        "/hooks/navertalk/talk-7f3kq9/",
        data=said("안녕"),
        content_type="application/json",
        REMOTE_ADDR="117.52.141.222",
    )
    assert inside.status_code == 200


def test_another_partner_or_an_account_without_one_is_refused(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    before = row_counts()
    assert _post(client, django_capture_on_commit_callbacks, said("안녕", partner="wc9999")).status_code == 403
    account.options = {}
    account.save()
    before = row_counts()
    assert _post(client, django_capture_on_commit_callbacks, said("안녕")).status_code == 403
    assert row_counts() == before


def test_size_json_and_unknown_accounts(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    before = row_counts()
    big = b'{"event": "send", "pad": "' + b"x" * 1_000_001 + b'"}'
    assert _post(client, django_capture_on_commit_callbacks, big).status_code == 413
    assert _post(client, django_capture_on_commit_callbacks, b'{"event": "send",').status_code == 400
    assert _post(client, django_capture_on_commit_callbacks, b'"send"').status_code == 400
    assert post_hook(client, django_capture_on_commit_callbacks, "navertalk", "guess", said("x")).status_code == 404
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
        st.fixed_dictionaries(
            {"event": st.sampled_from(["send", "open", "handover", "leave", "x"]) | st.text(max_size=5)},
            optional={"user": _json, "partner": st.just("wc1234") | _json, "options": _json, "textContent": _json},
        ).map(lambda value: json.dumps(value).encode()),
        st.builds(lambda text: said(text), st.text(max_size=40)),
    )
)
def test_no_body_gets_a_server_error(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any, body: bytes
) -> None:
    assert _post(client, django_capture_on_commit_callbacks, body).status_code in (200, 400, 403)


def test_the_bot_answers_hands_over_to_the_partner_centre_stays_silent_and_takes_back(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.SORIDAM_CHAT_RESPONDER = RESPONDER
    with FakeProvider(default=OK) as fake:
        _use(account, fake)
        _post(client, django_capture_on_commit_callbacks, said("배송 얼마나 걸려요?"))
        case = Case.objects.get()
        assert case.status == Status.WAITING
        _post(client, django_capture_on_commit_callbacks, said("상담원 연결해 주세요"))
        calls = [(request.header("Authorization"), request.json()) for request in fake.to(EVENT)]
        assert calls == [
            (KEY, _send("배송은 보통 2~3일 걸립니다.")),
            (KEY, _send("상담원에게 연결해 드릴게요.")),
            (KEY, {"event": "handover", "user": USER, "partner": "wc1234",
                   "options": {"control": "passThread", "targetId": 1}}),
        ]  # fmt: skip
        case.refresh_from_db()
        assert case.status == Status.OPEN

        # The partner centre answers; the user's messages come with standby: stored, the bot is silent.
        standby = (PAYLOADS / "send_standby.json").read_bytes()
        assert _post(client, django_capture_on_commit_callbacks, standby).status_code == 200
        assert _bodies(case)[-1] == "헬로"
        assert len(fake.to(EVENT)) == 3
        assert bot_calls == ["배송 얼마나 걸려요?", "상담원 연결해 주세요"]

        # 상담 완료: the partner centre passes the conversation back, and the bot answers again.
        handback = (PAYLOADS / "handover_back.json").read_bytes()
        assert _post(client, django_capture_on_commit_callbacks, handback).status_code == 200
        assert MessengerThread.objects.get().bot_active is True
        _post(client, django_capture_on_commit_callbacks, said("또 질문이 있어요"))
        assert fake.to(EVENT)[-1].json() == _send("배송은 보통 2~3일 걸립니다.")


def _send(text: str) -> dict[str, Any]:
    return {"event": "send", "user": USER, "textContent": {"text": text}, "options": {"notification": True}}


def test_a_standby_message_on_a_new_conversation_is_stored_without_any_answer(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.SORIDAM_CHAT_RESPONDER = RESPONDER
    standby = (PAYLOADS / "send_standby.json").read_bytes()
    assert _post(client, django_capture_on_commit_callbacks, standby).status_code == 200
    assert _bodies(Case.objects.get()) == ["헬로"]
    assert bot_calls == []
    assert not OutboundMessage.objects.exists()  # neither the bot nor an acknowledgement


def test_an_under_14_user_gets_the_consent_notice_and_the_bot_asks_for_nothing(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.SORIDAM_CHAT_RESPONDER = RESPONDER
    with FakeProvider(default=OK) as fake:
        _use(account, fake)
        opened = _post(client, django_capture_on_commit_callbacks, (PAYLOADS / "open_under14.json").read_bytes())
        assert opened.status_code == 200
        assert opened.json() == {"event": "send", "textContent": {"text": consent_notice()}}
        assert NaverTalkUser.objects.get(user_id=USER).needs_guardian_consent
        assert not Case.objects.exists()

        _post(client, django_capture_on_commit_callbacks, said("환불하고 싶어요"))
        assert _bodies(Case.objects.get()) == ["환불하고 싶어요"]  # stored, for a person to see
        assert bot_calls == []  # the shop's bot, which may ask for an order number or a phone, is not asked
        assert [request.json() for request in fake.to(EVENT)] == [_send(consent_notice())]


def test_an_agent_reply_reaches_the_api_and_a_429_is_retried_after_retry_after(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any, alice: Any
) -> None:
    _post(client, django_capture_on_commit_callbacks, said("교환하고 싶어요"))
    case = Case.objects.get()
    with FakeProvider(default=OK) as fake:
        _use(account, fake)
        fake.script(EVENT, (429, {"Retry-After": "2"}, b'{"success": false}'))
        with django_capture_on_commit_callbacks(execute=False):
            actions.reply(case, "사이즈를 알려주세요.", actor=Actor(user=alice))
        outbound = OutboundMessage.objects.get(kind="agent_reply")
        assert (outbound.channel, outbound.recipient) == ("navertalk", USER)
        first = delivery.deliver(outbound.pk)
        assert first.state == DeliveryState.QUEUED
        assert first.retry_at is not None
        assert 1.5 <= (first.retry_at - timezone.now()).total_seconds() <= 2.1
        time.sleep(max(0.0, (first.retry_at - timezone.now()).total_seconds()) + 0.05)
        assert delivery.deliver(outbound.pk).state == DeliveryState.SENT
        tries = fake.to(EVENT)
        assert len(tries) == 2
        assert tries[1].at - tries[0].at >= 1.9
        assert tries[1].json() == _send("사이즈를 알려주세요.")
        assert tries[1].header("Authorization") == KEY  # the partner key itself, no "Bearer"
        assert tries[1].header("Content-Type") == "application/json"


@pytest.mark.parametrize(
    ("reply", "state", "tries"),
    [
        ((400, {}, b'{"success": false, "resultCode": "02"}'), DeliveryState.FAILED, 1),
        ((200, {}, b'{"success": false, "resultCode": "01", "resultMessage": "auth"}'), DeliveryState.FAILED, 1),
        ((200, {}, b'{"success": false, "resultCode": "99"}'), DeliveryState.QUEUED, 1),
    ],
    ids=["http-400", "result-01-auth", "result-99-temporary"],
)
def test_failures_are_classified(
    account: ChannelAccount,
    client: Client,
    django_capture_on_commit_callbacks: Any,
    alice: Any,
    reply: Any,
    state: str,
    tries: int,
) -> None:
    _post(client, django_capture_on_commit_callbacks, said("교환하고 싶어요"))
    case = Case.objects.get()
    case.assignee = alice
    case.save()
    with FakeProvider(default=OK) as fake:
        _use(account, fake)
        fake.script(EVENT, reply)
        with django_capture_on_commit_callbacks(execute=False):
            actions.reply(case, "확인해 드릴게요.", actor=Actor(user=alice))
        outbound = OutboundMessage.objects.get(kind="agent_reply")
        assert delivery.deliver(outbound.pk).state == state
        assert len(fake.to(EVENT)) == tries
    outbound.refresh_from_db()
    assert KEY not in outbound.last_error
    failed = case.events.filter(kind=EventKind.DELIVERY_FAILED).exists()
    assert failed is (state == DeliveryState.FAILED)
