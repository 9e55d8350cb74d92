"""Case status in the bot: identified customers see their cases; anonymous visitors prove a reference."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from soridam.bot.contract import Conversation
from soridam.bot.engine import reply
from soridam.cases.models import Case
from soridam.customers.models import Customer


@pytest.fixture
def case(make_case: Callable[..., Case]) -> Case:
    opened = make_case(subject="환불 문의", email="hong@example.kr", name="홍길동")
    Customer.objects.filter(pk=opened.customer_id).update(phone="01012345678")
    return opened


def test_an_identified_customer_sees_their_open_cases(case: Case, make_case: Callable[..., Case]) -> None:
    make_case(subject="남의 문의", email="other@example.kr", name="김철수")
    answer = reply(Conversation(text="제 문의 진행 상황 알려 주세요", customer_id=case.customer_id))
    assert answer.outcome == "status"
    assert case.reference in answer.text
    assert "환불 문의" in answer.text
    assert "남의 문의" not in answer.text
    assert answer.text.startswith("홍길동 고객님, ")


@pytest.mark.parametrize("proof", ["hong@example.kr", "전화번호 뒤 네 자리 5678", "010-1234-5678"])
def test_an_anonymous_visitor_with_a_matching_email_or_phone_sees_the_case(case: Case, proof: str) -> None:
    answer = reply(Conversation(text=f"{case.reference} 진행 상황 알려 주세요 {proof}"))
    assert answer.outcome == "status"
    assert case.reference in answer.text


def test_a_mismatch_answers_exactly_like_a_missing_case(case: Case) -> None:
    wrong = reply(Conversation(text=f"{case.reference} 진행 상황 알려 주세요 1111"))
    missing = reply(Conversation(text="C-1999-999999 진행 상황 알려 주세요 1111"))
    assert wrong.text == missing.text
    assert case.reference not in wrong.text
    assert "환불 문의" not in wrong.text


def test_without_a_proof_it_asks_for_one(case: Case) -> None:
    answer = reply(Conversation(text=f"{case.reference} 진행 상황 알려 주세요"))
    assert "네 자리" in answer.text
    assert "환불 문의" not in answer.text


def test_look_ups_are_rate_limited(case: Case, settings: Any) -> None:
    settings.SORIDAM_RATE_LIMITS = {**settings.SORIDAM_RATE_LIMITS, "tracking": 2}
    for _ in range(2):
        reply(Conversation(text=f"{case.reference} 진행 상황 1111", session="s-1"))
    limited = reply(Conversation(text=f"{case.reference} 진행 상황 5678", session="s-1"))
    other_session = reply(Conversation(text=f"{case.reference} 진행 상황 5678", session="s-2"))
    assert case.reference in other_session.text
    assert case.reference not in limited.text
    assert "1분" in limited.text
