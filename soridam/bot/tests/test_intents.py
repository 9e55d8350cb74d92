"""The hand-over detectors on wordings the development set does not contain (general, not its phrases)."""

from __future__ import annotations

import pytest

from soridam.bot import intents


@pytest.mark.parametrize(
    "text",
    [
        "상담원 연결해 주세요",
        "사람이랑 얘기할래요",
        "직원분하고 직접 통화하고 싶어요",
        "전화 좀 주실 수 있나요",
        "상담사님 바꿔 주세요",
        "챗봇 말고 담당자랑 대화하고 싶어요",
        "상담원",
        "agent please",
        "Can I speak to a human?",
        "I'd like to talk with a real person",
        "connect me to your representative",
    ],
)
def test_an_explicit_request_for_a_person_in_any_wording(text: str) -> None:
    assert intents.asks_for_person(text)


@pytest.mark.parametrize(
    "text",
    [
        "상담원 연결은 필요 없고요, 취소 수수료만 알려 주세요",
        "상담 시간이 몇 시부터예요?",
        "지난번 상담 때 들은 것 같은데 현금영수증은 어디서 신청해요?",
        "상담원 연결 눌렀는데 대기가 길어요",
        "I don't need an agent, just tell me the return window",
        "사람이 많아서 배송이 늦나요?",
        "전화 주문도 되나요?",
        "통화 가능 시간이 언제예요?",
    ],
)
def test_mentioning_a_person_is_not_asking_for_one(text: str) -> None:
    assert not intents.asks_for_person(text)


def test_safety_and_legal_reuse_the_triage_cues() -> None:
    assert intents.is_safety_incident("충전기에서 연기가 나고 불꽃이 튀었어요")
    assert intents.is_legal_threat("계속 이러면 소비자원에 신고하겠습니다")
    assert not intents.is_safety_incident("충전기 색상이 사진과 달라요")


def test_abuse_and_anger_at_the_help() -> None:
    assert intents.is_abusive("ㅅㅂ 진짜 뭐하자는 거야")
    assert intents.is_angry_at_help("몇 번을 말해야 알아들어요? 장난해요?")
    assert not intents.is_angry_at_help("포인트는 언제 들어와요?")


def test_a_staff_only_action_on_a_specific_order_or_account() -> None:
    assert intents.asks_staff_action("HJ26113012345 주문 배송지를 부산으로 바꿔 주세요")
    assert intents.asks_staff_action("어제 주문한 가방 포장 추가해 주실 수 있나요?")
    assert intents.asks_staff_action("본인 확인 좀 해 주세요. 번호가 바뀌었어요")
    assert not intents.asks_staff_action("발송 전에 배송지는 어떻게 바꾸나요?")
    assert intents.is_stuck_for_days("나흘째 같은 물류센터에서 안 움직여요")
    assert not intents.is_stuck_for_days("배송은 보통 며칠 걸려요?")


def test_beyond_policy_and_a_missed_answer() -> None:
    assert intents.is_beyond_policy("기간 지났는데 이번만 예외로 환불해 주시면 안 될까요")
    assert intents.is_beyond_policy("늦게 와서 보상은 없나요?")
    assert intents.says_answer_missed("그거 말고요, 교환 회수 날짜를 물어본 건데요")
    assert intents.says_repeated("이걸로 두 번째예요")


def test_thanks_greeting_and_status() -> None:
    assert intents.is_thanks("아 네 해결됐어요 감사합니다")
    assert not intents.is_thanks("감사해요 근데 포인트는요?")
    assert intents.is_greeting_only("안녕하세요!")
    assert not intents.is_greeting_only("안녕하세요 환불 언제 돼요?")
    assert intents.asks_case_status("C-2026-000123 진행 상황 알려 주세요")
