"""Order status in the bot (R-BOT-4, R-CRM-6): a customer sees only their own orders; an anonymous visitor
proves one with its number and the buyer's phone, e-mail or name; a wrong proof answers like a missing
number; three failures go to a person; a stale order is refreshed, and an outage answers from what is stored."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from soridam.bot import intents
from soridam.bot.contract import BotReply, Conversation, Turn
from soridam.bot.engine import reply
from soridam.bot.handover import handover_for
from soridam.bot.order_status import tracking_link
from soridam.customers.models import Customer
from soridam.customers.phones import canonical_phone
from soridam.orders import providers
from soridam.orders.models import Order, Shop
from soridam.orders.providers import Buyer, NormalisedOrder, Shipment

from .orders import EMAIL, ITEMS, NAME, NUMBER, SHIPMENT, SHIPPED_AT, STAND_IN, ShopStandIn, make_order, make_shop

pytestmark = pytest.mark.django_db
OTHER_NUMBER = "20261130-0000099"


@pytest.fixture(autouse=True)
def stand_in(monkeypatch: pytest.MonkeyPatch) -> type[ShopStandIn]:
    monkeypatch.setitem(providers._PROVIDERS, STAND_IN, ShopStandIn)
    ShopStandIn.orders, ShopStandIn.down, ShopStandIn.fetched = {}, False, []
    return ShopStandIn


@pytest.fixture
def shop() -> Shop:
    return make_shop()


@pytest.fixture
def hong() -> Customer:
    return Customer.objects.create(name=NAME, email=EMAIL, phone="01012345678")


@pytest.fixture
def order(shop: Shop, hong: Customer) -> Order:
    return make_order(shop, customer=hong)


@pytest.fixture
def other_order(shop: Shop) -> Order:
    stranger = Customer.objects.create(name="김철수", email="kim@example.kr")
    return make_order(
        shop,
        OTHER_NUMBER,
        customer=stranger,
        buyer_name="김철수",
        buyer_email="kim@example.kr",
        buyer_phone="01098765432",
        items=[{"name": "남의 상품", "quantity": 1}],
    )


def ask(text: str, *, session: str = "s-1", customer_id: int | None = None, before: BotReply | None = None) -> BotReply:
    history = (Turn("bot", before.text),) if before else ()
    state = before.state if before else {}
    return reply(Conversation(text=text, customer_id=customer_id, session=session, history=history, state=state))


def test_an_identified_customer_sees_their_own_orders_and_no_one_elses(
    order: Order, other_order: Order, hong: Customer
) -> None:
    answer = ask("배송 언제 와요?", customer_id=hong.pk)
    assert (answer.outcome, answer.intent) == ("status", "order_status")
    assert answer.text.startswith("홍길동 고객님, ")
    assert NUMBER in answer.text
    assert OTHER_NUMBER not in answer.text
    assert "남의 상품" not in answer.text


def test_an_identified_customer_naming_someone_elses_order_without_proof_sees_nothing(
    order: Order, other_order: Order, hong: Customer
) -> None:
    answer = ask(f"{OTHER_NUMBER} 배송 조회 부탁해요", customer_id=hong.pk)
    assert OTHER_NUMBER not in answer.text
    assert "남의 상품" not in answer.text


@pytest.mark.parametrize(
    "proof",
    [
        "010-1234-5678",
        "01012345678",
        "+82 10-1234-5678",
        "+82 10 1234 5678",
        "+821012345678",
        "HONG@Example.kr",
        "홍길동입니다",
    ],
)
def test_an_anonymous_visitor_with_the_number_and_a_matching_second_factor_sees_the_order(
    order: Order, proof: str
) -> None:
    answer = ask(f"주문 조회 부탁드려요 {NUMBER} {proof}")
    assert answer.outcome == "status"
    assert NUMBER in answer.text
    assert "무선 이어폰" in answer.text


def test_someone_elses_number_with_my_own_phone_shows_nothing(order: Order, other_order: Order) -> None:
    answer = ask(f"주문 조회 {OTHER_NUMBER} 010-1234-5678")
    assert OTHER_NUMBER not in answer.text
    assert "남의 상품" not in answer.text


def test_a_wrong_second_factor_answers_exactly_like_a_number_that_does_not_exist(order: Order) -> None:
    wrong = ask(f"주문 조회 {NUMBER} 010-9999-8888", session="s-wrong")
    missing = ask("주문 조회 20991231-0000001 010-9999-8888", session="s-missing")
    assert wrong.text == missing.text
    assert wrong.outcome == missing.outcome == "status"
    assert "무선 이어폰" not in wrong.text
    assert "찾지 못했어요" in wrong.text


def test_a_number_alone_asks_for_the_second_factor_and_the_next_message_proves_it(order: Order) -> None:
    first = ask(f"{NUMBER} 주문 배송 조회 부탁드려요")
    assert "무선 이어폰" not in first.text
    assert "휴대폰 번호" in first.text
    assert first.state["order_failures"] == 0
    second = reply(
        Conversation(
            text="010 1234 5678",
            history=(Turn("customer", f"{NUMBER} 주문 배송 조회 부탁드려요"), Turn("bot", first.text)),
            state=first.state,
            session="s-1",
        )
    )
    assert second.outcome == "status"
    assert "무선 이어폰" in second.text


def test_after_being_asked_a_name_alone_proves_it_and_thanks_are_not_taken_for_a_name(order: Order) -> None:
    first = ask("주문 조회 부탁해요")
    history = (Turn("customer", f"주문번호 {NUMBER}"), Turn("bot", first.text))
    named = reply(Conversation(text="홍길동", history=history, state=first.state, session="s-name"))
    assert "무선 이어폰" in named.text
    thanks = reply(Conversation(text="감사합니다", history=history, state=first.state, session="s-thanks"))
    assert thanks.intent == "thanks"


def test_the_third_failed_proof_hands_over_to_a_person(order: Order) -> None:
    state: dict[str, object] = {}
    answers = []
    for phone in ("010-1111-1111", "010-2222-2222", "010-3333-3333"):
        answer = reply(Conversation(text=f"주문 조회 {NUMBER} {phone}", state=state, session="s-3"))
        state = dict(answer.state)
        answers.append(answer)
    assert [a.outcome for a in answers] == ["status", "status", "handover"]
    assert answers[-1].handover_reason == "order_unverified"
    assert "상담원" in answers[-1].text
    assert all("무선 이어폰" not in a.text for a in answers)


def test_attempts_are_rate_limited_per_conversation(order: Order, other_order: Order, settings: Any) -> None:
    settings.SORIDAM_RATE_LIMITS = {**settings.SORIDAM_RATE_LIMITS, "order_lookup": 2}
    for _ in range(2):
        ask(f"주문 조회 {OTHER_NUMBER} 010-9999-8888", session="s-busy")
    limited = ask(f"주문 조회 {NUMBER} 010-1234-5678", session="s-busy")
    elsewhere = ask(f"주문 조회 {NUMBER} 010-1234-5678", session="s-calm")
    assert "무선 이어폰" not in limited.text
    assert "1분" in limited.text
    assert "무선 이어폰" in elsewhere.text


def test_one_number_tried_from_many_conversations_is_limited_too(order: Order, settings: Any) -> None:
    settings.SORIDAM_RATE_LIMITS = {**settings.SORIDAM_RATE_LIMITS, "order_lookup": 3}
    for n in range(3):
        ask(f"주문 조회 {NUMBER} 010-9999-000{n}", session=f"guess-{n}")
    limited = ask(f"주문 조회 {NUMBER} 010-1234-5678", session="guess-new")
    assert "무선 이어폰" not in limited.text
    assert "1분" in limited.text
    missing = [ask(f"주문 조회 20991231-0000001 010-9999-000{n}", session=f"other-{n}") for n in range(4)]
    assert missing[-1].text == limited.text  # a number that does not exist is limited the same way


def test_the_answer_has_the_status_items_latest_shipment_tracking_link_and_delivery_date(shop: Shop) -> None:
    delivered = timezone.now() - timedelta(days=1)
    older = Shipment("한진택배", "400011112222", shipped_at=SHIPPED_AT - timedelta(days=2))
    make_order(
        shop,
        status="delivered",
        delivered_at=delivered,
        shipments=[providers.as_json(SHIPMENT), providers.as_json(older)],
    )
    answer = ask(f"주문 조회 {NUMBER} {EMAIL}")
    assert "배송이 완료됐어요" in answer.text
    assert "무선 이어폰 (블랙) × 1" in answer.text
    assert "충전 케이블 × 2" in answer.text
    assert "CJ대한통운" in answer.text
    assert "512345678901" in answer.text
    assert tracking_link("CJ대한통운", "512345678901") in answer.text
    assert "400011112222" not in answer.text  # only the latest shipment
    assert timezone.localtime(delivered).strftime("%Y-%m-%d") in answer.text


def test_an_english_question_gets_the_status_in_english(order: Order) -> None:
    answer = ask(f"Where is my order {NUMBER}? My email is {EMAIL}")
    assert "shipped and on its way" in answer.text
    assert "Items: 무선 이어폰 (블랙) × 1" in answer.text
    assert "tracking number 512345678901" in answer.text


def test_a_fresh_order_is_not_fetched_again(order: Order) -> None:
    ask(f"주문 조회 {NUMBER} {EMAIL}")
    assert ShopStandIn.fetched == []


def _delivered_now() -> NormalisedOrder:
    return NormalisedOrder(
        external_id=f"ext-{NUMBER}",
        number=NUMBER,
        status="delivered",
        currency="KRW",
        total=Decimal(69000),
        placed_at=timezone.now() - timedelta(days=3),
        delivered_at=timezone.now() - timedelta(hours=2),
        buyer=Buyer(name=NAME, email=EMAIL, phone="+82 10-1234-5678"),
        items=ITEMS,
        shipments=(SHIPMENT,),
    )


def test_a_stale_order_is_refreshed_from_the_shop_before_answering(order: Order) -> None:
    Order.objects.filter(pk=order.pk).update(synced_at=timezone.now() - timedelta(hours=1))
    ShopStandIn.orders = {NUMBER: _delivered_now()}
    answer = ask(f"주문 조회 {NUMBER} {EMAIL}")
    assert ShopStandIn.fetched == [NUMBER]
    assert "배송이 완료됐어요" in answer.text
    assert "동기화" not in answer.text
    order.refresh_from_db()
    assert order.status == "delivered"
    assert order.buyer_phone == canonical_phone("010-1234-5678")  # stored canonical, whatever the shop wrote
    assert timezone.now() - order.synced_at < timedelta(minutes=1)


def test_when_the_shop_is_down_the_answer_is_what_is_stored_with_when_it_was_synced(order: Order, shop: Shop) -> None:
    synced = timezone.now() - timedelta(hours=1)
    Order.objects.filter(pk=order.pk).update(synced_at=synced)
    ShopStandIn.down = True
    answer = ask(f"주문 조회 {NUMBER} {EMAIL}")
    assert answer.outcome == "status"
    assert "발송되어 배송 중이에요" in answer.text
    assert "마지막으로 동기화" in answer.text
    assert timezone.localtime(synced).strftime("%Y-%m-%d %H:%M") in answer.text
    shop.refresh_from_db()
    assert shop.unavailable_since is not None
    assert "503" in shop.last_error
    again = ask(f"주문 조회 {NUMBER} {EMAIL}", session="s-2")
    assert ShopStandIn.fetched == [NUMBER]  # an unavailable shop is not asked again on every question
    assert "마지막으로 동기화" in again.text


def test_a_demo_shop_is_never_asked(order: Order, shop: Shop) -> None:
    Shop.objects.filter(pk=shop.pk).update(options={"demo": True})
    Order.objects.filter(pk=order.pk).update(synced_at=timezone.now() - timedelta(hours=1))
    ask(f"주문 조회 {NUMBER} {EMAIL}")
    assert ShopStandIn.fetched == []
    shop.refresh_from_db()
    assert shop.available


def test_the_hand_over_note_names_the_orders_the_customer_proved(order: Order) -> None:
    shown = ask(f"주문 조회 {NUMBER} {EMAIL}")
    conversation = Conversation(text="상담원 연결해 주세요", history=(Turn("bot", shown.text),), state=shown.state)
    handover = reply(conversation)
    assert handover.outcome == "handover"
    assert handover_for(conversation, handover).order_numbers == (NUMBER,)


@pytest.mark.parametrize(
    "text",
    [
        "배송 언제 와요?",
        "주문 조회 부탁드려요",
        "택배 어디쯤이에요",
        f"{NUMBER} 언제 도착해요?",
        "주문했는데 일주일째 안 와요 언제 오는 건가요",
        "Where is my order?",
        "Can I get the tracking for my parcel",
    ],
)
def test_questions_about_my_order_are_order_status(text: str) -> None:
    assert intents.asks_order_status(text)


@pytest.mark.parametrize(
    "text",
    [
        "배송 조회는 어떻게 하나요?",
        "택배 어디쯤 왔는지 어케 봐요",
        "오늘 밤에 주문하면 언제쯤 받아요??",
        "교환 신청했는데 회수는 언제 와요?",
        "How do I see the tracking number?",
    ],
)
def test_how_to_and_hypothetical_questions_stay_with_the_help_centre(text: str) -> None:
    assert not intents.asks_order_status(text)


def test_a_mobile_number_is_not_taken_for_an_order_number() -> None:
    written = f"{NUMBER} 010-1234-5678 01012345678 +82 10-1234-5678 +821012345678 #1001 HJ26092810452"
    assert intents.order_number_candidates(written) == (NUMBER, "#1001", "HJ26092810452")
