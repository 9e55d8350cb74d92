"""The engine through its one entry point, ``reply(conversation)``, against published articles."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from soridam.bot.contract import Conversation, Turn
from soridam.bot.engine import reply
from soridam.cases.models import Case
from soridam.kb.models import Article


def test_an_answer_quotes_the_article_and_links_it(help_centre: list[Article]) -> None:
    answer = reply(Conversation(text="반품은 받은 날부터 며칠 안에 신청해야 하나요?"))
    returns = help_centre[0]
    assert answer.outcome == "answered"
    assert [source.article_id for source in answer.sources] == [returns.pk]
    assert "받은 날부터 14일 안에 신청할 수 있습니다" in answer.text  # a passage of the article, word for word
    assert f"/help/articles/{returns.pk}" in answer.text or answer.sources[0].url in answer.text
    assert answer.confidence > 0


def test_the_first_reply_says_it_is_automated_and_every_answer_offers_a_person(help_centre: list[Article]) -> None:
    first = reply(Conversation(text="택배비는 얼마예요? 제주도도 같은가요?"))
    assert "자동" in first.text
    assert "상담원" in first.text
    later = reply(
        Conversation(
            text="포인트는 언제부터 쓸 수 있어요?",
            history=(Turn("customer", "택배비는 얼마예요?"), Turn("bot", first.text)),
            state=first.state,
        )
    )
    assert "자동" not in later.text
    assert "상담원" in later.text


def test_below_the_threshold_it_offers_a_person_and_the_second_time_hands_over(help_centre: list[Article]) -> None:
    first = reply(Conversation(text="롱패딩 충전재가 오리털이에요 거위털이에요?"))
    assert first.outcome == "offer_person"
    assert first.handover_reason == "low_confidence"
    assert not first.sources
    second = reply(
        Conversation(
            text="세탁기에 돌려도 되나요?",
            history=(Turn("customer", "롱패딩 충전재가 오리털이에요 거위털이에요?"), Turn("bot", first.text)),
            state=first.state,
        )
    )
    assert second.outcome == "handover"
    assert second.handover_reason == "low_confidence"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("사람이랑 직접 얘기할래요", "explicit"),
        ("충전기에서 연기가 나고 손을 데였어요", "safety"),
        ("이대로면 변호사 통해서 소송하겠습니다", "legal"),
        ("ㅅㅂ 환불 언제 해줄 건데", "abuse"),
        ("HJ26113012345 주문 배송지를 부산으로 바꿔 주세요", "staff_action"),
        ("반품 기간 지났지만 이번만 받아 주세요", "beyond_policy"),
    ],
)
def test_hand_over_triggers(help_centre: list[Article], text: str, reason: str) -> None:
    answer = reply(Conversation(text=text))
    assert answer.outcome == "handover"
    assert answer.handover_reason == reason
    assert answer.involves_person


def test_anger_hands_over_only_after_an_answer(help_centre: list[Article]) -> None:
    alone = reply(Conversation(text="포인트가 3,000P나 있는데 왜 못 써요?? 몇 번을 말해요 진짜"))
    assert alone.outcome != "handover"
    after = reply(
        Conversation(
            text="몇 번을 똑같은 소리를 하는 거예요 장난해요?",
            history=(Turn("customer", "포인트 왜 못 써요"), Turn("bot", "포인트는 5,000P부터 쓸 수 있습니다.")),
        )
    )
    assert after.handover_reason == "anger"


def test_a_second_missed_answer_hands_over(help_centre: list[Article]) -> None:
    answer = reply(
        Conversation(
            text="아니 또 같은 얘기잖아요 물어본 건 그게 아니에요",
            history=(
                Turn("customer", "포인트 언제 들어와요?"),
                Turn("bot", "구매확정을 하면 결제 금액의 2%가 포인트로 쌓입니다."),
                Turn("customer", "그거 말고요 리뷰 포인트요"),
                Turn("bot", "구매확정을 하면 결제 금액의 2%가 포인트로 쌓입니다."),
            ),
            state={"missed": 1},
        )
    )
    assert answer.handover_reason == "missed_twice"


def test_a_follow_up_is_answered_with_the_earlier_turns(help_centre: list[Article]) -> None:
    answer = reply(
        Conversation(
            text="제주도는요?",
            history=(Turn("customer", "택배비 얼마예요? 무료 배송 조건도 알려 주세요"),),
        )
    )
    assert answer.outcome == "answered"
    assert answer.sources[0].article_id == help_centre[1].pk


def test_a_closing_thanks_names_the_article_answered(help_centre: list[Article]) -> None:
    answer = reply(
        Conversation(
            text="아 해결됐어요 감사합니다",
            history=(Turn("customer", "비밀번호 재설정 링크는 어떻게 받아요?"), Turn("bot", "…")),
            state={"article": help_centre[3].pk, "introduced": True},
        )
    )
    assert answer.outcome == "greeting"
    assert answer.sources[0].article_id == help_centre[3].pk
    assert not answer.involves_person


def test_an_identified_customer_is_greeted_by_name_with_honorifics(
    help_centre: list[Article], make_case: Callable[..., Case]
) -> None:
    customer = make_case(name="홍길동").customer
    named = reply(Conversation(text="안녕하세요", customer_id=customer.pk))
    assert named.text.startswith("홍길동 고객님, ")
    anonymous = reply(Conversation(text="안녕하세요", visitor_name="홍길동"))
    assert "홍길동" not in anonymous.text  # a typed name is not trusted


def test_the_language_follows_the_text_when_it_disagrees(help_centre: list[Article]) -> None:
    answer = reply(Conversation(text="Hello", language="ko"))
    assert "automated" in answer.text
    korean = reply(Conversation(text="안녕하세요", language="en"))
    assert "자동" in korean.text
