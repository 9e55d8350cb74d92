"""Priority from explicit evidence (issue 12 §4): each rule sets its level, and without it the level is lower."""

from __future__ import annotations

import re

import pytest

from soridam.triage import priority
from soridam.triage.classifier import TriageModel
from soridam.triage.priority import Context
from soridam.triage.text import make_doc, signals

# rule name → (subject, body, context, the level the rule sets)
EVIDENCE: dict[str, tuple[str, str, Context, str]] = {
    "safety": ("", "충전하던 보조배터리가 부풀어 오르고 연기가 났어요", Context(), "urgent"),
    "legal_threat": ("", "이번 주까지 처리 안 되면 소비자원에 접수하겠습니다", Context(), "urgent"),
    "fraud_with_harm": ("", "제가 하지 않은 결제가 카드에 두 건 찍혔어요", Context(), "urgent"),
    "secret_given_away": ("", "결제창에서 카드번호랑 CVC를 입력했는데 가짜 사이트 같아요", Context(), "urgent"),
    "third_contact": ("", "아직 교환이 안 됐어요", Context(same_problem_contacts=2), "urgent"),
    "money_wrongly_taken": ("", "사흘 안에 돌려준다던 돈이 일주일이 넘도록 아직 환불이 안 됐어요", Context(), "high"),
    "second_contact": ("", "문의드린 건 어떻게 되었나요", Context(same_problem_contacts=1), "high"),
    "sla_breached": ("", "문의드린 건 어떻게 되었나요", Context(sla_breached=True), "high"),
    "arrived_faulty": ("", "어제 받은 블루투스 스피커가 처음부터 전원이 안 켜져요", Context(), "high"),
    "order_stuck": ("", "택배 조회하면 나흘째 같은 지역 터미널에 머물러 있네요", Context(), "high"),
    "deadline_soon": ("", "행사에 쓸 물건이라 내일까지 꼭 받아야 합니다 확인 부탁드려요", Context(), "high"),
    "praise_only": ("", "포장이 꼼꼼해서 선물하기 딱 좋았어요 👍 다음에도 이용할게요", Context(), "low"),
}


def test_every_rule_has_a_case_here() -> None:
    assert set(EVIDENCE) == set(priority.RULES_BY_NAME)
    for rule in priority.RULES:
        assert rule.why, rule.name  # each rule explains itself


@pytest.mark.parametrize("name", sorted(EVIDENCE))
@pytest.mark.parametrize("trained", [False, True], ids=["rules-only", "seed-model"])
def test_each_rule_sets_its_level_and_without_it_the_level_is_lower(
    name: str, trained: bool, seed_model: TriageModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = seed_model if trained else TriageModel()
    subject, body, context, level = EVIDENCE[name]
    result = model.predict(subject, body, context=context)
    assert (result.priority.value, name in result.signals) == (level, True)
    assert result.priority.confidence >= 0.5  # a rule is confident enough to be applied

    monkeypatch.setattr(priority, "RULES", tuple(rule for rule in priority.RULES if rule.name != name))
    without = model.predict(subject, body, context=context).priority
    if level == priority.LOW:  # the one rule that lowers: without it, no rule's confidence stands behind `low`
        assert without.value != level or without.confidence < priority.RULE_CONFIDENCE, without
    else:
        lower = priority.LEVELS.index(without.value) > priority.LEVELS.index(level)
        assert lower or without.confidence < 0.5, without  # lower, or too doubtful to be applied
    assert name not in model.predict(subject, body, context=context).signals


@pytest.mark.parametrize("text", [("s", "b"), ("", "급해요 빨리요!!"), ("URGENT", "asap please")])
def test_urgency_words_in_a_short_text_are_not_enough(text: tuple[str, str], seed_model: TriageModel) -> None:
    """Issue 11 saw subject "s", body "b" triaged high at 0.73: without evidence only normal or low."""
    for model in (seed_model, TriageModel()):
        result = model.predict(*text)
        assert result.priority.value in ("normal", "low"), (text, result.priority)
        assert result.signals == []


def test_the_model_says_high_only_when_the_text_names_a_problem(seed_model: TriageModel) -> None:
    evidence = priority.evidence_for("배송 문의", set(), Context())
    leaning_high = {"urgent": 0.4, "high": 0.35, "normal": 0.15, "low": 0.1}
    assert priority.decide(leaning_high, evidence).level == "normal"
    with_problem = priority.evidence_for("상품이 파손돼서 왔어요", {"order_failed"}, Context())
    assert priority.decide(leaning_high, with_problem).level == "high"  # never urgent from the model


def test_vip_tier_raises_one_step_but_never_to_urgent(seed_model: TriageModel) -> None:
    plain = seed_model.predict("", "회원 탈퇴는 어떻게 하나요")
    vip = seed_model.predict("", "회원 탈퇴는 어떻게 하나요", context=Context(vip=True))
    assert priority.LEVELS.index(vip.priority.value) == priority.LEVELS.index(plain.priority.value) - 1
    assert "vip_tier" in vip.signals
    money = seed_model.predict("", "이중 결제가 됐어요", context=Context(vip=True))
    assert money.priority.value == "high"
    assert TriageModel().predict("", "문의드려요", context=Context(vip=True)).priority.value == "high"


@pytest.mark.parametrize(
    "body",
    [
        "받은 샴푸 펌프가 안 눌리고 뚜껑으로 내용물이 새 있어요",
        "어제 받은 블루투스 이어폰이 충전이 안 돼요",
        "귤 한 박스 받았는데 반 정도가 멍들고 물러 있어요",
        "새로 산 가방에 흠집이랑 얼룩이 있어요",
        "Got the kettle today and it leaks from the bottom",
    ],
)
def test_a_faulty_item_described_in_everyday_words_lets_the_model_say_high(body: str) -> None:
    """Not every customer writes 불량 or 파손: what the item does or looks like names the problem too."""
    found = signals(make_doc("", body))
    assert "order_failed" in found
    leaning_high = {"high": 0.5, "normal": 0.3, "low": 0.2}
    assert priority.decide(leaning_high, priority.evidence_for(body, found, Context())).level == "high"


def test_a_question_about_an_item_is_not_a_faulty_item() -> None:
    found = signals(make_doc("", "이 니트는 세탁기에 돌려도 되나요? 사이즈는 어떻게 되나요"))
    assert "order_failed" not in found


@pytest.mark.parametrize(
    "body",
    [
        "택배 회사 직원이라며 전화가 와서 시키는 대로 했더니 통장에서 30만 원이 빠져나갔어요",
        "A man who said he was from your support team called me and then money was taken from my account",
    ],
)
def test_money_taken_by_someone_posing_as_staff_is_fraud_with_harm(body: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Money that left the account is the harm when the message also names the fraud (a fake member of staff)."""
    doc = make_doc("", body)
    evidence = priority.evidence_for(doc.text, signals(doc), Context())
    assert priority.decide(None, evidence).reasons == ("fraud_with_harm",)
    monkeypatch.setattr(priority.harm_cues, "MONEY_LEFT", ())
    assert not priority.fired(evidence)


@pytest.mark.parametrize(
    "body",
    [
        "카드값이 같은 날 두 번 빠져나갔어요 확인 부탁드려요",  # a double charge: high, not fraud
        "환불받을 계좌번호를 입력했는데 맞나요?",  # a secret given, no doubt about who asked
        "비밀번호를 몇 번이나 입력했는데 이상해요 로그인이 안 돼요",  # a login problem
    ],
)
def test_money_or_secrets_without_a_fraud_or_a_doubt_are_not_urgent(body: str) -> None:
    doc = make_doc("", body)
    fired = [rule.name for rule in priority.fired(priority.evidence_for(doc.text, signals(doc), Context()))]
    assert not {"fraud_with_harm", "secret_given_away"} & set(fired), fired


@pytest.mark.parametrize(
    "body",
    [
        "반년 넘게 잘 쓰던 전기포트가 요즘 전원이 안 켜져요 수리 맡길 수 있나요",  # a repair after use
        "두 번 빨았더니 니트 소매가 늘어나 있어요",  # after washing
        "주문했는데 언제 와요?",  # no fault named
    ],
)
def test_a_fault_after_use_or_no_fault_is_not_an_item_that_came_faulty(body: str) -> None:
    doc = make_doc("", body)
    fired = [rule.name for rule in priority.fired(priority.evidence_for(doc.text, signals(doc), Context()))]
    assert "arrived_faulty" not in fired, fired


@pytest.mark.parametrize(
    "body",
    [
        "친절하게 안내해 주셔서 감사한데 아직 환불이 안 들어왔어요",  # thanks, then a problem
        "감사합니다만 배송이 너무 늦어서 실망했어요",  # thanks, then a complaint
    ],
)
def test_thanks_beside_a_complaint_is_not_praise(body: str) -> None:
    doc = make_doc("", body)
    fired = [rule.name for rule in priority.fired(priority.evidence_for(doc.text, signals(doc), Context()))]
    assert "praise_only" not in fired, fired


@pytest.mark.parametrize(
    "body",
    [
        "반팔 티셔츠를 시켰는데 웬 청바지가 왔어요",
        "무선 마우스만 주문했는데 키보드가 들어 있네요",
    ],
)
def test_an_item_other_than_the_one_ordered_came_is_a_failed_order(body: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The guide's "not what was ordered", said without a fault word: what came is named apart from the order."""
    doc = make_doc("", body)
    evidence = priority.evidence_for(doc.text, signals(doc), Context())
    assert priority.decide({"normal": 0.6, "low": 0.4}, evidence).level == "high"
    monkeypatch.setattr(priority.order_cues, "WRONG_ITEM", re.compile("(?!)"))
    assert "arrived_faulty" not in [rule.name for rule in priority.fired(evidence)]


@pytest.mark.parametrize(
    "body", ["운동화를 주문했는데 택배가 왔어요 언제 열어 봐야 하나요", "가방을 샀는데 배송 완료 문자가 왔어요"]
)
def test_the_parcel_or_a_message_arriving_is_not_a_wrong_item(body: str) -> None:
    doc = make_doc("", body)
    assert "arrived_faulty" not in [
        rule.name for rule in priority.fired(priority.evidence_for(doc.text, set(), Context()))
    ]


def test_a_fault_after_weeks_of_use_does_not_let_the_model_say_high(monkeypatch: pytest.MonkeyPatch) -> None:
    """The guide: faults that appeared after weeks of use (A/S) are `normal`; the fault words alone named a
    failed order before, which let a model leaning `high` choose it."""
    body = "반년 전에 산 전동칫솔이 요즘 충전이 안 돼요 보증 기간이면 수리 맡기고 싶어요"
    doc = make_doc("", body)
    evidence = priority.evidence_for(doc.text, signals(doc), Context())
    assert "order_failed" in evidence.signals
    leaning_high = {"high": 0.5, "normal": 0.3, "low": 0.2}
    assert priority.decide(leaning_high, evidence).level == "normal"
    monkeypatch.setattr(priority, "_repair_after_use", lambda _evidence: False)
    assert priority.decide(leaning_high, evidence).level == "high"


@pytest.mark.parametrize(
    "body", ["오늘 주문하면 오늘 중으로 발송되나요?", "급해요 빨리 보내 주세요", "내일 도착 예정이라고 떠요"]
)
def test_a_day_named_without_a_deadline_is_not_one(body: str) -> None:
    """A question about today's dispatch, or urgency words, are not a deadline the customer must meet."""
    doc = make_doc("", body)
    fired = [rule.name for rule in priority.fired(priority.evidence_for(doc.text, signals(doc), Context()))]
    assert "deadline_soon" not in fired, fired
