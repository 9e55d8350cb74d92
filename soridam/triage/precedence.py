"""The labelling guide's category precedence 1–2 as rules above the model (LABELING.md, category):

1. a safety incident caused by a product → `product`;
2. fraud or security that hurts the customer → `account` (takeover, login details given away, data leaked) or
   `payment` (charges they did not make, card or registration number typed into a fake payment page, money
   taken by someone posing as staff), by whom it hurts; the shop impersonated to the public (fake accounts,
   fake sellers) with no harm to this customer → `other`.

The model learns topics from words; these cases name a topic too (환불, 결제, 계정) but the guide puts the
incident first, and the priority rules have already read the evidence (``priority.fired``).

Below them, five of the guide's "main point" calls that the model, which weighs every topic word alike, gets
wrong (``category_by_main_point``):

3. the customer asks for a cancellation, exchange, return or refund ("환불해 주세요", "교환 신청", "반품 돼요?")
   → `refund_return`, whatever else the message names; not a double charge or fraud, where the guide puts the
   money first (`payment`); so does the money of a cancellation or return already made, still awaited;
4. a quality problem found when the item came, reported without any word of exchange, return or refund
   (the guide's `product`: "quality problems reported without asking for an exchange or refund") → `product`.
   A short item or the wrong size is not a quality problem: the model decides those;
5. another item than the one ordered came (the guide's exchange "also when it is ... the wrong item")
   → `refund_return`;
6. the website or app not working, with no payment or login words (the guide's `service`: "the website or app
   not working outside login") → `service`, however many product words the page shows;
7. a proposal from the sender (제안드립니다, 제안서, partnership) that names no order of their own → `other`
   (partnership, supplier, sponsorship, suggestions about the shop), however many product words it uses.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from soridam.triage import cues, harm_cues, lexicon, order_cues
from soridam.triage.priority import Evidence

RULE_CONFIDENCE = 0.9
# The main-point rules read one phrase of the message, weaker evidence than an incident: 23 of 24 right on
# ko-cs-dev, still above the review threshold with the priority's confidence.
MAIN_POINT_CONFIDENCE = 0.8
PRODUCT, ACCOUNT, PAYMENT, OTHER = "product", "account", "payment", "other"
REFUND_RETURN, SERVICE = "refund_return", "service"
# The ask: a cancel, exchange, return or refund word followed (after a particle at most) by a request or a
# question whether it can be done: 환불해 주세요, 교환 신청, 반품 접수, 취소 가능한가요, 반품 돼요?, want to return.
# A story about asking ("교환 문의하려고 전화했더니 …") and what the shop did ("주문이 취소됐대요") are not asks.
ASKS_FOR_RETURN = re.compile(
    r"(?:환불|반품|교환|취소) ?(?:을|를|이|가|은|는|으로|로|도)? ?"
    r"(?:해 ?주|해 ?줘|하고 싶|받고 싶|원해|원합|신청|접수|요청|부탁|가능|돼요|되나요|될까요|되죠|할 수|할게|처리해)"
    r"|(?:refund|return|exchange|cancel)\w* (?:please|it|my)|(?:want|like) to (?:return|exchange|cancel|get a refund)"
)
# The money of a cancellation or return already made, still awaited or charged: the guide's refund timing and
# amount, coupons and points given back (precedence 3). "취소됐" (the shop cancelled) is not the customer's.
REFUND_AWAITED = re.compile(
    r"(?:취소했|취소한|취소 했|취소를 했|취소 완료|반품했|반품한|반품 완료|반품 보냈|회수가 끝|회수 완료|회수됐)"
    r"[^\n]{0,80}?(?:환불|환급|금액|청구|빠지|빠질|안 들어|들어오|입금|쿠폰|포인트|적립금)"
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
# The site or app named with what fails on it ("앱이 자꾸 튕겨요", "홈페이지 화면이 하얗게 멈춰요").
SITE_BROKEN = re.compile(
    r"(?:앱|어플|사이트|홈페이지|웹|브라우저|화면|페이지|\bapp\b|website)[^.?!\n]{0,30}?"
    r"(?:안 나|안 보|안 떠|오류|에러|안 열|멈춰|튕|먹통|로딩|깨져|안 눌|작동|사라)"
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
    """The guide's main-point calls (module docstring, 3–7), or None: the model decides."""
    text = evidence.text
    if lexicon.hits(text, PROPOSAL) and not lexicon.hits(text, cues.OWN_ORDER):
        return OTHER
    money_first = _MONEY_RULES.intersection(rules_fired) or _DOUBLE_CHARGE.search(text)
    if not money_first and (ASKS_FOR_RETURN.search(text) or REFUND_AWAITED.search(text)):
        return REFUND_RETURN
    if "arrived_faulty" in rules_fired:
        return _what_came(text)
    if SITE_BROKEN.search(text) and not lexicon.hits(text, (*lexicon.PAYMENT, *lexicon.ACCOUNT)):
        return SERVICE
    return None


def _what_came(text: str) -> str | None:
    """Another item than the one ordered: an exchange; a quality problem without a word of exchange, return or
    refund: `product`; anything else (a short item, a fault with such a word): the model."""
    another_item = order_cues.WRONG_ITEM.search(text) is not None or lexicon.hits(text, order_cues.ANOTHER_ITEM)
    if another_item:
        return REFUND_RETURN
    if _quality_problem_only(text) and not lexicon.hits(text, lexicon.REFUND):
        return PRODUCT
    return None


def _quality_problem_only(text: str) -> bool:
    """A fault in the item itself, and nothing that says it is short or the wrong size."""
    return bool(lexicon.hits(text, order_cues.QUALITY_FAULT)) and not lexicon.hits(text, order_cues.NOT_AS_ORDERED)
