"""The hand-over: in business hours with an agent online the chat becomes a live case whose replies go back to
the chat; off hours (the Korean calendar, frozen time) or with nobody online it becomes an e-mail case."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from conftest import WorkerKilled
from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, MessageKind
from soridam.channels.base import SendResult
from soridam.channels.chat import conversation, store
from soridam.channels.chat.models import ChatMessage, ChatSession, SessionState
from soridam.channels.chat.transport import ChatTransport
from soridam.channels.models import ChannelMessage
from soridam.notifications import delivery
from soridam.notifications.models import DeliveryState, OutboundMessage
from soridam.notifications.tasks import sweep_outbox
from soridam.routing.presence import set_presence

SEOUL = ZoneInfo("Asia/Seoul")
MONDAY_MORNING = datetime(2026, 12, 7, 10, 0, tzinfo=SEOUL)
CHUSEOK_MORNING = datetime(2026, 9, 25, 10, 0, tzinfo=SEOUL)  # a Friday, and 추석: a public holiday
RESPONDER = "soridam.channels.chat.tests.responder.reply"


@pytest.fixture(autouse=True)
def _test_bot(settings: Any) -> None:
    settings.SORIDAM_CHAT_RESPONDER = RESPONDER


def _visitor_says(session: ChatSession, text: str) -> ChatMessage:
    message = store.store_customer_message(session.pk, uuid.uuid4(), text).message
    conversation.answer_customer(message.pk)
    return message


def _session(email: str = "hong@example.com") -> ChatSession:
    return store.open_session(store.Visitor(name="홍길동", email=email), origin="http://shop.test")


def _frames(session: ChatSession) -> list[dict[str, Any]]:
    return [store.frame(m) for m in store.messages_after(session.pk, 0)]


@pytest.mark.django_db
def test_asking_for_a_person_in_business_hours_opens_a_live_case_with_transcript_and_intent(alice: User) -> None:
    set_presence(alice, "online")
    with time_machine.travel(MONDAY_MORNING, tick=False):
        session = _session()
        _visitor_says(session, "배송 조회는 어떻게 하나요?")
        _visitor_says(session, "상담원 연결해 주세요")
    session.refresh_from_db()
    assert session.state == SessionState.WAITING
    assert session.intent == "ask_person"
    case = Case.objects.get(pk=session.case_id)
    assert case.channel == "chat"
    first, note = case.messages.order_by("id")
    assert "배송 조회는 어떻게 하나요?" in first.body
    assert "자동 응답입니다" in first.body
    assert "상담원 연결" in first.body
    assert note.kind == MessageKind.NOTE
    assert "ask_person" in note.body
    assert "explicit" in note.body
    assert ChannelMessage.objects.get(case=case).sender == str(session.public_id)
    handover = _frames(session)[-1]
    assert handover["type"] == "handover"
    assert handover["state"] == "waiting"
    assert handover["case_reference"] == case.reference
    assert handover["expected_wait_minutes"] >= 1
    assert not OutboundMessage.objects.filter(case=case).exists()  # live: no e-mail acknowledgement


@pytest.mark.django_db
def test_an_agent_reply_from_the_composer_reaches_the_chat_with_the_agent_joining(
    alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    set_presence(alice, "online")
    with time_machine.travel(MONDAY_MORNING, tick=False):
        session = _session()
        _visitor_says(session, "상담원 연결")
    session.refresh_from_db()
    case = Case.objects.get(pk=session.case_id)
    with django_capture_on_commit_callbacks(execute=True):
        actions.reply(case, "안녕하세요, 상담원 앨리스입니다.", actor=Actor(user=alice))
    outbound = OutboundMessage.objects.get(case=case)
    assert (outbound.channel, outbound.state) == ("chat", DeliveryState.SENT)
    joined, said = _frames(session)[-2:]
    assert joined["type"] == "handover"
    assert joined["state"] == "agent_joined"
    assert joined["agent"] == "alice"
    assert said["author"] == "agent"
    assert said["name"] == "alice"
    assert said["text"] == "안녕하세요, 상담원 앨리스입니다."
    session.refresh_from_db()
    assert session.state == SessionState.AGENT
    assert session.agent == alice


@pytest.mark.django_db
def test_after_the_hand_over_the_visitors_messages_join_the_case(alice: User) -> None:
    set_presence(alice, "online")
    with time_machine.travel(MONDAY_MORNING, tick=False):
        session = _session()
        _visitor_says(session, "상담원 연결")
        later = _visitor_says(session, "주문번호는 20261207-0001 입니다")
        conversation.answer_customer(later.pk)  # a task run twice adds it once
    session.refresh_from_db()
    bodies = list(Case.objects.get(pk=session.case_id).messages.values_list("body", flat=True).order_by("id"))
    assert bodies[-1] == "주문번호는 20261207-0001 입니다"
    assert bodies.count("주문번호는 20261207-0001 입니다") == 1
    assert [f.get("author") for f in _frames(session)].count("bot") == 1  # the bot no longer answers


@pytest.mark.django_db
def test_on_chuseok_the_chat_becomes_an_email_case_and_the_widget_says_so(
    alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    set_presence(alice, "online")
    with time_machine.travel(CHUSEOK_MORNING, tick=False), django_capture_on_commit_callbacks(execute=True):
        session = _session()
        _visitor_says(session, "상담원 연결해 주세요")
    session.refresh_from_db()
    assert session.state == SessionState.OFFLINE
    case = Case.objects.get(pk=session.case_id)
    assert not ChannelMessage.objects.filter(case=case).exists()  # replies go by e-mail, not to a closed chat
    ack = OutboundMessage.objects.get(case=case)
    assert (ack.channel, ack.recipient, ack.kind) == ("email", "hong@example.com", "case_opened")
    offline = _frames(session)[-1]
    assert offline["type"] == "handover"
    assert offline["state"] == "offline"
    assert offline["case_reference"] == case.reference
    assert case.reference in offline["text"]
    # No SLA policy here: the promise is the next opening, the Monday after the 추석 holidays (Sep 24-26).
    assert offline["opens_at"] == datetime(2026, 9, 28, 9, 0, tzinfo=SEOUL).isoformat()


@pytest.mark.django_db
def test_in_business_hours_with_nobody_online_the_chat_becomes_an_email_case(alice: User) -> None:
    with time_machine.travel(MONDAY_MORNING, tick=False):
        session = _session()
        _visitor_says(session, "person please")
    session.refresh_from_db()
    assert session.state == SessionState.OFFLINE
    assert _frames(session)[-1]["state"] == "offline"


@pytest.mark.django_db
def test_without_a_bot_the_first_message_goes_straight_to_a_person(settings: Any, alice: User) -> None:
    settings.SORIDAM_CHAT_RESPONDER = ""
    set_presence(alice, "online")
    with time_machine.travel(MONDAY_MORNING, tick=False):
        session = _session(email="")
        _visitor_says(session, "안녕하세요")
    frames = _frames(session)
    assert [f["type"] for f in frames] == ["message", "handover"]
    case = Case.objects.get(pk=ChatSession.objects.get(pk=session.pk).case_id)
    assert case.customer.email.endswith("@chat.invalid")  # an anonymous visitor: never mailed


@pytest.mark.django_db
def test_the_bot_answers_a_message_once_however_often_its_task_runs() -> None:
    session = _session()
    message = _visitor_says(session, "배송 조회")
    conversation.answer_customer(message.pk)
    assert [f["author"] for f in _frames(session)] == ["customer", "bot"]


@pytest.mark.django_db
def test_a_reply_whose_worker_died_after_writing_it_to_the_chat_is_repeated_and_shown_once(
    alice: User, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    set_presence(alice, "online")
    with time_machine.travel(MONDAY_MORNING, tick=False):
        session = _session()
        _visitor_says(session, "상담원 연결")
    case = Case.objects.get(pk=ChatSession.objects.get(pk=session.pk).case_id)
    with django_capture_on_commit_callbacks(execute=False):  # the task is left to the "worker" below
        actions.reply(case, "주문을 확인해 보겠습니다.", actor=Actor(user=alice))
    outbound = OutboundMessage.objects.get(case=case)
    real_send = ChatTransport.send

    def killed_after_writing(transport: ChatTransport, row: OutboundMessage) -> SendResult:
        real_send(transport, row)
        raise WorkerKilled

    monkeypatch.setattr(ChatTransport, "send", killed_after_writing)
    with pytest.raises(WorkerKilled):
        delivery.deliver(outbound.pk)
    monkeypatch.undo()

    # A repeat is harmless on chat (the transport finds the message it wrote), so the row is not left in doubt.
    later = timezone.now() + timedelta(seconds=settings.SORIDAM_OUTBOUND_LEASE_SECONDS * 2)
    with time_machine.travel(later, tick=False):
        assert sweep_outbox.call() == 1
    outbound.refresh_from_db()
    assert (outbound.state, outbound.attempts) == (DeliveryState.SENT, 2)
    assert [f.get("text") for f in _frames(session)].count("주문을 확인해 보겠습니다.") == 1
