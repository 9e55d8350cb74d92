"""The hand-over written onto the case: transcript, intent, identity, order references, tag, timeline, audit."""

from __future__ import annotations

from collections.abc import Callable

from soridam.audit.models import AuditEntry
from soridam.bot.contract import Conversation, Turn
from soridam.bot.engine import reply
from soridam.bot.handover import hand_over
from soridam.cases.models import Case, EventKind, MessageKind


def test_the_case_gets_the_transcript_intent_identity_and_orders(make_case: Callable[..., Case]) -> None:
    case = make_case(subject="채팅 문의", body="채팅으로 들어온 문의")
    conversation = Conversation(
        text="HJ26113012345 주문 배송지를 부산으로 바꿔 주세요",
        history=(Turn("customer", "배송지 바꿀 수 있나요?"), Turn("bot", "발송 전이면 앱에서 바꿀 수 있어요.")),
        visitor_name="홍길동",
    )
    answer = reply(conversation)
    assert answer.outcome == "handover"
    note = hand_over(case.pk, conversation, answer)
    assert note.kind == MessageKind.NOTE
    assert "staff_action" in note.body
    assert "HJ26113012345" in note.body
    assert "unverified visitor: 홍길동" in note.body
    assert "[bot] 발송 전이면 앱에서 바꿀 수 있어요." in note.body
    assert note.body.rstrip().endswith("[customer] HJ26113012345 주문 배송지를 부산으로 바꿔 주세요")
    assert case.tags.filter(name="bot:staff_action").exists()
    assert case.events.filter(kind=EventKind.NOTE).exists()
    assert AuditEntry.objects.filter(action="case.note", data__message=note.pk).exists()
