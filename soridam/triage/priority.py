"""Priority from explicit evidence: every rule that sets a case's priority, named and explained, in one place.

A case is urgent or high only for a reason a person can read back (LABELING.md, priority):

- the rules below, each with the level it sets, fire on evidence in the text or about the customer;
- the trained model may still say `high` (a failed order, money, a second contact: too varied for a word
  list), but only when the text names a problem; without one its choice is between `normal` and `low`;
- the model never says `urgent`: only a rule does.

So urgency words alone ("급해요", "asap") in a short text make nothing high, and a message of one letter is
normal or low. The guide's failed orders that a reader can tell from the words (an item found faulty when it came,
a parcel stuck for days) are rules; so is praise with no problem named (`low`). VIP tier raises the level one
step (never to urgent), as the tier's shorter SLA expects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from soridam.triage import cues, harm_cues, lexicon, order_cues

URGENT, HIGH, NORMAL, LOW = "urgent", "high", "normal", "low"
LEVELS = (URGENT, HIGH, NORMAL, LOW)  # most pressing first
RULE_CONFIDENCE = 0.95  # the urgent rules were right on 19 of 19 ko-cs-dev cases they fired on
NO_EVIDENCE_CONFIDENCE = 0.3  # without a model and without evidence: intake's default stays, nothing to apply

# Evidence that an order, a payment or the account has a problem: what lets the model say `high`.
PROBLEM_SIGNALS = frozenset(
    {"order_failed", "money_wrong", "repeat_second", "fraud_account", "fraud_payment", "impersonation"}
)
# Fraud is urgent with a harm cue; a fraud cue alone is weak ("승인 문자" also comes with a failed payment).
FRAUD_HARM = (
    "안 한",
    "하지 않은",
    "적 없",
    "모르는",
    "도용",
    "해킹",
    "피싱",
    "사칭",
    "유출",
    "사기",
    "가져간",
    "무단",
)


@dataclass(frozen=True)
class Context:
    """What triage knows about the case besides its text."""

    same_problem_contacts: int = 0  # the customer's other active cases about this problem, last 30 days
    vip: bool = False
    sla_breached: bool = False  # the case's running SLA target had passed when triage read it


@dataclass(frozen=True)
class Evidence:
    """The message as the rules see it: lower-cased text and the cue groups found in it."""

    text: str
    signals: frozenset[str]
    context: Context


@dataclass(frozen=True)
class Rule:
    name: str
    level: str
    why: str
    applies: Callable[[Evidence], bool]


def _fraud_with_harm(evidence: Evidence) -> bool:
    """A fraud cue with a harm cue; money that left the account counts as harm only beside a fraud cue of
    its own ("카드값이 두 번 빠져나갔어요" alone is a double charge, `high`, not a fraud)."""
    fraud = evidence.signals & {"fraud_account", "fraud_payment"}
    if not fraud:
        return False
    if lexicon.hits(evidence.text, FRAUD_HARM):
        return True
    if not lexicon.hits(evidence.text, harm_cues.MONEY_LEFT):
        return False
    fraud_cues = tuple(w for w in cues.FRAUD_ACCOUNT + cues.FRAUD_PAYMENT if w not in harm_cues.MONEY_LEFT)
    return lexicon.hits(evidence.text, fraud_cues) > 0


def _secret_given_away(evidence: Evidence) -> bool:
    """The customer typed or told a secret (card or registration number, password, code) to a page or
    caller they now doubt: details entered on a phishing page are a security incident now (LABELING.md)."""
    text = evidence.text
    return all(lexicon.hits(text, words) for words in (harm_cues.SECRETS, harm_cues.GAVE_AWAY, harm_cues.DOUBT))


def _arrived_faulty(evidence: Evidence) -> bool:
    """An item found faulty, short or wrong when it came; a fault after weeks of use is a repair (`normal`).
    An item other than the one ordered ("양말을 시켰는데 구두가 왔어요") is wrong without any fault word."""
    text = evidence.text
    found_on_arrival = lexicon.hits(text, order_cues.ITEM_FAULT) and lexicon.hits(text, order_cues.ARRIVAL)
    came = order_cues.WRONG_ITEM.search(text)
    wrong_item = came is not None and not came.group(1).startswith(order_cues.NOT_ITEMS)
    return bool(found_on_arrival or wrong_item) and not lexicon.hits(text, order_cues.LONG_USE)


def _repair_after_use(evidence: Evidence) -> bool:
    """An item fault that appeared after weeks of use: the guide's repair (A/S), `normal`, not a failed order."""
    text = evidence.text
    return bool(lexicon.hits(text, order_cues.ITEM_FAULT) and lexicon.hits(text, order_cues.LONG_USE))


def _praise_only(evidence: Evidence) -> bool:
    """Thanks or praise with no complaint and no problem named: the guide's `low`."""
    return "positive" in evidence.signals and not evidence.signals & (PROBLEM_SIGNALS | {"negative"})


RULES: tuple[Rule, ...] = (
    Rule(
        "safety",
        URGENT,
        "A product hurt someone or could have: burn, smoke, sparks, a swelling battery, glass in food, a reaction.",
        lambda e: "safety" in e.signals,
    ),
    Rule(
        "legal_threat",
        URGENT,
        "A lawyer, lawsuit, police, 내용증명 or a regulator (소비자원, 공정위, 방통위, 개인정보위) is named.",
        lambda e: "legal" in e.signals,
    ),
    Rule(
        "fraud_with_harm",
        URGENT,
        "Fraud or a security incident that hurts someone now: a charge they did not make, a taken-over account.",
        _fraud_with_harm,
    ),
    Rule(
        "secret_given_away",
        URGENT,
        "A card or registration number, password or code was typed into a page, or told to a caller, now doubted.",
        _secret_given_away,
    ),
    Rule(
        "third_contact",
        URGENT,
        "At least the third contact about one unresolved problem: said in the message, or two earlier open cases.",
        lambda e: "repeat_third" in e.signals or e.context.same_problem_contacts >= 2,
    ),
    Rule(
        "money_wrongly_taken",
        HIGH,
        "Money taken or held wrongly: a double charge, a charge after cancelling, a refund later than promised.",
        lambda e: "money_wrong" in e.signals,
    ),
    Rule(
        "arrived_faulty",
        HIGH,
        "The item came defective, damaged, spoiled, short or not what was ordered (not a fault after weeks of use).",
        _arrived_faulty,
    ),
    Rule(
        "order_stuck",
        HIGH,
        "The parcel has not moved for days, or shows delivered but never came.",
        lambda e: lexicon.hits(e.text, order_cues.STUCK) > 0,
    ),
    Rule(
        "deadline_soon",
        HIGH,
        "The customer needs an answer or the order by today or tomorrow (a deadline within about two days).",
        lambda e: order_cues.DEADLINE.search(e.text) is not None,
    ),
    Rule(
        "second_contact",
        HIGH,
        "The customer already has an open case about the same order or problem.",
        lambda e: e.context.same_problem_contacts == 1,
    ),
    Rule(
        "sla_breached",
        HIGH,
        "The case's first-response target had already passed when triage read it.",
        lambda e: e.context.sla_breached,
    ),
    Rule(
        "praise_only",
        LOW,
        "Thanks or praise with no complaint and no problem named.",
        _praise_only,
    ),
)
RULES_BY_NAME = {rule.name: rule for rule in RULES}
VIP_TIER = "vip_tier"  # the name recorded when the tier raised the level


@dataclass(frozen=True)
class Decision:
    level: str
    confidence: float
    reasons: tuple[str, ...]  # names of the rules that set or raised the level
    by_rule: bool
    decided: bool = True  # False: no model and no rule, intake's default stands


def evidence_for(text: str, signals: set[str] | frozenset[str], context: Context) -> Evidence:
    return Evidence(text, frozenset(signals), context)


def fired(evidence: Evidence) -> list[Rule]:
    return [rule for rule in RULES if rule.applies(evidence)]


def allowed_levels(evidence: Evidence) -> tuple[str, ...]:
    """What the model may choose from: `high` only when the text names a problem, never `urgent`. A fault
    after weeks of use is not such a problem: the guide makes it a repair (`normal`), so the fault words
    that name it do not open `high` on their own."""
    problems = evidence.signals & PROBLEM_SIGNALS
    if _repair_after_use(evidence):
        problems -= {"order_failed"}
    return (HIGH, NORMAL, LOW) if problems else (NORMAL, LOW)


def model_choice(probabilities: Mapping[str, float], evidence: Evidence) -> tuple[str, float]:
    """The model's most probable level among those the evidence allows, with that probability."""
    allowed = [level for level in allowed_levels(evidence) if level in probabilities] or [NORMAL]
    best = max(allowed, key=lambda level: probabilities.get(level, 0.0))
    return best, float(probabilities.get(best, 0.0))


def decide(
    probabilities: Mapping[str, float] | None,
    evidence: Evidence,
    calibrate: Callable[[float], float] = float,
) -> Decision:
    """The rules' level when one fires (the most pressing), else the model's choice (else `normal`);
    then the VIP tier raises it one step. `calibrate` maps the model's probability to a confidence."""
    rules = fired(evidence)
    if rules:
        level = min((rule.level for rule in rules), key=LEVELS.index)
        decision = Decision(level, RULE_CONFIDENCE, tuple(rule.name for rule in rules if rule.level == level), True)
    elif probabilities:
        level, probability = model_choice(probabilities, evidence)
        decision = Decision(level, calibrate(probability), (), False)
    else:
        decision = Decision(NORMAL, NO_EVIDENCE_CONFIDENCE, (), False, decided=False)
    return _raised_for_vip(decision) if evidence.context.vip else decision


def _raised_for_vip(decision: Decision) -> Decision:
    index = LEVELS.index(decision.level)
    if decision.level in (URGENT, HIGH):
        return decision
    reasons = (*decision.reasons, VIP_TIER)
    if not decision.decided:  # nothing else known: the tier alone is the rule
        return Decision(LEVELS[index - 1], RULE_CONFIDENCE, reasons, True)
    return Decision(LEVELS[index - 1], decision.confidence, reasons, decision.by_rule)
