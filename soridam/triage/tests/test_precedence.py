"""The guide's category precedence 1–2 (safety, then fraud by whom it hurts) and its main-point calls (issue 12 §4)."""

from __future__ import annotations

import re

import pytest

from soridam.triage import classifier, cues, order_cues, precedence, priority
from soridam.triage.classifier import TriageModel
from soridam.triage.priority import Context
from soridam.triage.text import make_doc, signals

# body → the category the precedence sets; each names another topic's words too (환불, 결제, 배송, 계정).
CASES = [
    ("충전하던 보조배터리가 부풀어 오르더니 연기가 났어요 환불해 주세요", "product"),
    ("누가 제 계정을 해킹해서 모르는 주문이 배송 중이에요", "account"),
    ("환불해 준다는 직원이라는 사람 전화를 받고 앱을 깔았더니 통장에서 돈이 빠져나갔어요", "payment"),
    ("결제창에 카드번호를 입력했는데 공식 결제 페이지가 맞나요? 가짜 같아요", "payment"),
    ("문자로 온 링크에 아이디랑 비밀번호를 입력했는데 진짜 쇼핑몰 사이트 맞나요? 수상해요", "account"),
    ("인스타그램에 쇼핑몰 사칭 계정이 가짜 이벤트로 배송비를 받고 있어요", "other"),
]


def _precedence(body: str) -> str | None:
    doc = make_doc("", body)
    evidence = priority.evidence_for(doc.text, signals(doc), Context())
    return precedence.category_by_precedence(evidence, {rule.name for rule in priority.fired(evidence)})


@pytest.mark.parametrize(("body", "category"), CASES)
def test_the_incident_outranks_the_topic_words(body: str, category: str, seed_model: TriageModel) -> None:
    assert _precedence(body) == category
    for model in (seed_model, TriageModel()):
        result = model.predict("", body)
        assert (result.category.value, result.category.confidence) == (category, precedence.RULE_CONFIDENCE)


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        (CASES[1][0], "fraud_with_harm"),
        (CASES[2][0], "fraud_with_harm"),
        (CASES[3][0], "secret_given_away"),
        (CASES[4][0], "secret_given_away"),
    ],
)
def test_without_the_fraud_rule_the_model_decides(body: str, rule: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(priority, "RULES", tuple(r for r in priority.RULES if r.name != rule))
    assert _precedence(body) is None


def test_public_impersonation_needs_its_cue_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(cues.SIGNALS, "impersonation", ())
    assert _precedence(CASES[5][0]) is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("배송비는 얼마인가요", None),
        ("카드값이 같은 날 두 번 빠져나갔어요", None),  # a double charge: the model's, not a rule's
        ("인스타 사칭 계정에 속아서 결제했는데 제 카드에서 모르는 결제가 또 됐어요", "payment"),  # harm: not `other`
    ],
)
def test_no_incident_no_precedence_and_harm_outranks_public_impersonation(body: str, expected: str | None) -> None:
    assert _precedence(body) == expected


def _main_point(body: str) -> str | None:
    doc = make_doc("", body)
    evidence = priority.evidence_for(doc.text, signals(doc), Context())
    return precedence.category_by_main_point(evidence, {rule.name for rule in priority.fired(evidence)})


# The guide's main-point calls (precedence 3–5): each message also names another topic's words.
MAIN_POINT_CASES = [
    ("배송 온 니트가 생각보다 얇아서 교환 신청하려고요", "refund_return"),  # the ask, beside delivery words
    ("지난주에 산 운동화 사이즈가 작아요 반품 가능한가요?", "refund_return"),  # the ask, beside product words
    ("어제 받은 텀블러 뚜껑에 금이 가서 물이 새요", "product"),  # a fault reported, no exchange asked for
    ("저희 농장 사과를 납품하고 싶어 제안드립니다. 유통기한과 원산지 자료도 보내 드릴게요", "other"),
    ("오늘 받은 택배 열어 보니 주문한 것과 다른 상품이 들어 있네요", "refund_return"),  # another item came
    ("갤럭시 앱에서 상품 상세 사진이 안 나와요. 사이즈표도 안 보여요", "service"),  # the app, not the product
    ("어제 주문 취소했는데 적립금은 언제 다시 들어오나요? 결제 카드도 알려 드려요", "refund_return"),  # awaited
]


@pytest.mark.parametrize(("body", "category"), MAIN_POINT_CASES)
def test_the_main_point_decides(body: str, category: str) -> None:
    assert _precedence(body) is None
    assert _main_point(body) == category


@pytest.mark.parametrize(
    ("body", "category", "without"),
    [
        (MAIN_POINT_CASES[0][0], "refund_return", "ASKS_FOR_RETURN"),
        (MAIN_POINT_CASES[1][0], "refund_return", "ASKS_FOR_RETURN"),
        (MAIN_POINT_CASES[3][0], "other", "PROPOSAL"),
        (MAIN_POINT_CASES[5][0], "service", "SITE_BROKEN"),
        (MAIN_POINT_CASES[6][0], "refund_return", "REFUND_AWAITED"),
    ],
)
def test_without_its_cue_the_main_point_rule_stays_silent(
    body: str, category: str, without: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = () if without == "PROPOSAL" else re.compile(r"(?!)")
    monkeypatch.setattr(precedence, without, empty)
    assert _main_point(body) != category


@pytest.mark.parametrize(
    "body",
    [
        "어제 받은 텀블러 뚜껑에 금이 가서 물이 새요 환불은 어떻게 받나요",  # a refund word: the model decides
        "3개 주문했는데 하나가 모자랍니다",  # short: `delivery` in the guide, not a quality problem
        "카드값이 두 번 빠져나갔어요 하나 취소해 주세요",  # a double charge: the money first (`payment`)
        "결제가 두 번 됐어요 하나 취소해 주세요",  # the same, the charge named first
        "교환 문의하려고 전화했는데 상담원 연결이 30분째 안 돼요",  # a story about asking, not the ask
        "제 주문 건 포장 방식에 대해 개선을 제안드립니다",  # a suggestion about one's own order
        "앱에서 카드 결제 버튼을 누르면 오류가 나요",  # a payment failure (`payment`), not the site
        "앱에서 로그인 화면이 안 떠요",  # login (`account`)
    ],
)
def test_the_main_point_rules_leave_the_rest_to_the_model(body: str) -> None:
    assert _main_point(body) is None


def test_a_quality_problem_reported_without_an_ask_is_a_product_question(seed_model: TriageModel) -> None:
    body = MAIN_POINT_CASES[2][0]
    assert _main_point(f"{body} 교환 되나요?") == "refund_return"  # asked for: a return
    for model in (seed_model, TriageModel()):  # trained, and rules only
        result = model.predict("", body)
        assert result.category.value == "product"
        assert result.category.confidence in (classifier.RULES_ONLY_CONFIDENCE, precedence.MAIN_POINT_CONFIDENCE)


def test_a_main_point_the_model_disagrees_with_is_only_suggested(seed_model: TriageModel) -> None:
    body = MAIN_POINT_CASES[5][0]  # the app not working, in product words the seed model reads as `product`
    guess = seed_model._guess("category", make_doc("", body), {})
    assert guess is not None
    assert guess.value != "service"
    result = seed_model.predict("", body)
    assert (result.category.value, result.category.confidence) == ("service", classifier.RULES_ONLY_CONFIDENCE)


def test_another_item_than_the_one_ordered_is_an_exchange(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _main_point("텀블러를 시켰는데 머그컵이 왔어요") == "refund_return"  # named apart, no cue word
    monkeypatch.setattr(order_cues, "ANOTHER_ITEM", ())
    assert _main_point(MAIN_POINT_CASES[4][0]) is None
