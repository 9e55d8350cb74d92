"""The labelling guide's category precedence 1–2 as rules above the model (LABELING.md, category):

1. a safety incident caused by a product → `product`;
2. fraud or security that hurts the customer → `account` (takeover, login details given away, data leaked) or
   `payment` (charges they did not make, card or registration number typed into a fake payment page, money
   taken by someone posing as staff), by whom it hurts; the shop impersonated to the public (fake accounts,
   fake sellers) with no harm to this customer → `other`.

The model learns topics from words; these cases name a topic too (환불, 결제, 계정) but the guide puts the
incident first, and the priority rules have already read the evidence (``priority.fired``).

Below them, three of the guide's "main point" calls that the model, which weighs every topic word alike, gets
wrong (``category_by_main_point``):

3. the customer asks for a cancellation, exchange, return or refund ("환불해 주세요", "교환 신청", "반품 돼요?")
   → `refund_return`, whatever else the message names; not a double charge or fraud, where the guide puts the
   money first (`payment`);
4. a quality problem found when the item came, reported without any word of exchange, return or refund
   (the guide's `product`: "quality problems reported without asking for an exchange or refund") → `product`.
   A wrong or short item is not a quality problem (an exchange or `delivery`): the model decides those;
5. a proposal from the sender (제안드립니다, 제안서, partnership) that names no order of their own → `other`
   (partnership, supplier, sponsorship, suggestions about the shop), however many product words it uses.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from soridam.triage import cues, harm_cues, lexicon, order_cues
from soridam.triage.priority import Evidence

RULE_CONFIDENCE = 0.9
# The main-point rules read one phrase of the message, weaker evidence than an incident: 18 of 19 right on
# ko-cs-dev, still above the review threshold with the priority's confidence.
MAIN_POINT_CONFIDENCE = 0.8
PRODUCT, ACCOUNT, PAYMENT, OTHER, REFUND_RETURN = "product", "account", "payment", "other", "refund_return"
# The ask: a cancel, exchange, return or refund word followed (after a particle at most) by a request or a
# question whether it can be done: 환불해 주세요, 교환 신청, 반품 접수, 취소 가능한가요, 반품 돼요?, want to return.
# "교환 문의를 하려고 전화했는데" (a story about asking) and "취소됐다는데" (the shop cancelled) are not asks.
ASKS_FOR_RETURN = re.compile(
    r"(?:환불|반품|교환|취소) ?(?:을|를|이|가|은|는|으로|로|도)? ?"
    r"(?:해 ?주|해 ?줘|하고 싶|받고 싶|원해|원합|신청|접수|요청|부탁|가능|돼요|되나요|될까요|되죠|할 수|할게|처리해)"
    r"|(?:refund|return|exchange|cancel)\w* (?:please|it|my)|(?:want|like) to (?:return|exchange|cancel|get a refund)"
)
# The sender proposes something (a partnership, a supply, a suggestion): the offer is theirs, not a question.
PROPOSAL = (
    "제안드리",
    "제안드립",
    "제안합니다",
    "제안서",
    "제안을 드",
    "제안 드",
    "proposal",
    "propose",
    "partnership",
)
# Where the guide puts the money first: a double charge or a fraud ("하나 취소 부탁드립니다" → `payment`). The
# money rules' cue words say "두 번 결제"; the charge may also come first ("결제가 두 번 됐어요").
_MONEY_RULES = frozenset({"money_wrongly_taken", "fraud_with_harm", "secret_given_away"})
_DOUBLE_CHARGE = re.compile(
    r"(?:결제|청구|승인|빠져)[^.?!\n]{0,12}(?:두 ?번|2번|중복|이중)"
    r"|(?:두 ?번|2번|중복|이중)[^.?!\n]{0,12}(?:결제|청구|승인|빠져)"
)
# A secret that pays (card, registration or account number) was given away to a payment page; any other
# (password, verification code) opens the account.
_PAYING_SECRETS = (
    "주민번호",
    "주민등록번호",
    "rrnnumber",
    "카드번호",
    "카드 번호",
    "cardnumber",
    "cvc",
    "cvv",
    "계좌번호",
)


def category_by_precedence(evidence: Evidence, rules_fired: Collection[str]) -> str | None:
    """The category the guide's precedence sets for this message, or None: the model decides."""
    if "safety" in evidence.signals and lexicon.hits(evidence.text, cues.SAFETY):
        return PRODUCT
    if "secret_given_away" in rules_fired:
        return PAYMENT if lexicon.hits(evidence.text, _PAYING_SECRETS) else ACCOUNT
    if "fraud_with_harm" in rules_fired:
        return _whom_fraud_hurts(evidence.text)
    if "impersonation" in evidence.signals and not evidence.signals & {"fraud_account", "fraud_payment"}:
        return OTHER
    return None


def _whom_fraud_hurts(text: str) -> str | None:
    """The account or the payment, by which group of fraud cues the message names more; a tie: the model."""
    account = lexicon.hits(text, cues.FRAUD_ACCOUNT)
    payment = lexicon.hits(text, cues.FRAUD_PAYMENT) + lexicon.hits(text, harm_cues.MONEY_LEFT)
    if account == payment:
        return None
    return ACCOUNT if account > payment else PAYMENT


def category_by_main_point(evidence: Evidence, rules_fired: Collection[str]) -> str | None:
    """The guide's main-point calls (module docstring, 3–5), or None: the model decides."""
    text = evidence.text
    if lexicon.hits(text, PROPOSAL) and not lexicon.hits(text, cues.OWN_ORDER):
        return OTHER
    money_first = _MONEY_RULES.intersection(rules_fired) or _DOUBLE_CHARGE.search(text)
    if not money_first and ASKS_FOR_RETURN.search(text):
        return REFUND_RETURN
    if "arrived_faulty" in rules_fired and _quality_problem_only(text) and not lexicon.hits(text, lexicon.REFUND):
        return PRODUCT
    return None


def _quality_problem_only(text: str) -> bool:
    """A fault in the item itself, and nothing that says it is another item or short."""
    wrong_item = order_cues.WRONG_ITEM.search(text) is not None
    return bool(lexicon.hits(text, order_cues.QUALITY_FAULT)) and not (
        wrong_item or lexicon.hits(text, order_cues.NOT_AS_ORDERED)
    )
