"""The labelling guide's category precedence 1–2 as rules, above the model (LABELING.md, category):

1. a safety incident caused by a product → `product`;
2. fraud or security that hurts the customer → `account` (takeover, login details given away, data leaked) or
   `payment` (charges they did not make, card or registration number typed into a fake payment page, money
   taken by someone posing as staff), by whom it hurts; the shop impersonated to the public (fake accounts,
   fake sellers) with no harm to this customer → `other`.

The model learns topics from words; these cases name a topic too (환불, 결제, 계정) but the guide puts the
incident first, and the priority rules have already read the evidence (``priority.fired``).
"""

from __future__ import annotations

from collections.abc import Collection

from soridam.triage import cues, harm_cues, lexicon
from soridam.triage.priority import Evidence

RULE_CONFIDENCE = 0.9
PRODUCT, ACCOUNT, PAYMENT, OTHER = "product", "account", "payment", "other"
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
