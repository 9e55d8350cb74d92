"""Double-blind bidding, the Cybersettle family (SPEC §3.4 A).

In each round r the claimant C seals a demand D_r (the least C accepts) and the respondent B an offer O_r (the
most B pays); rounds are never crossed. A round settles

- on overlap (O_r ≥ D_r): at the midpoint (O_r + D_r)/2, or at D_r under the "demand" rule;
- on a small gap (D_r − O_r ≤ max(p·D_r, A)): at the midpoint. The percentage's base is D_r.

The first settling round ends the bidding. After the last round without a settlement the result is only
"not settled": no round, no amount, nothing that would reveal a bid. A round voided because a bid was not
revealed (§3.4 B) is passed as ``None`` and skipped.

The midpoint of an odd sum is a ``Fraction`` (61,000.5 is ``Fraction(122001, 2)``), never rounded here: how a
half won is paid is the caller's rule, and it must be shown to both sides before bidding.

The rule is deliberately not symmetric between the parties: the demand rule gives an overlap to C, and the
band is a share of C's demand. With ``p = 0`` and the midpoint rule, swapping the parties and mirroring the
amounts mirrors the result (tested).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from soridam.odr.algorithms.exact import AlgorithmInputError, Number, normal

VERSION = "blind-bidding/1"

Rule = Literal["midpoint", "demand"]
RULES: tuple[Rule, ...] = ("midpoint", "demand")


def rule_named(name: str) -> Rule:
    """A stored rule's name as a ``Rule``; refuses any other name."""
    for rule in RULES:
        if rule == name:
            return rule
    raise AlgorithmInputError(f"rule: expected one of {', '.join(RULES)}")


@dataclass(frozen=True)
class BiddingRules:
    """The published parameters; shown to both sides before the first bid."""

    a: int
    p: Fraction = Fraction(3, 10)
    rule: Rule = "midpoint"

    def __post_init__(self) -> None:
        if not 0 <= self.p <= 1:
            raise AlgorithmInputError("p: the band must be a fraction between 0 and 1")
        if self.a < 0:
            raise AlgorithmInputError("a: the absolute band cannot be negative")
        if self.rule not in RULES:
            raise AlgorithmInputError(f"rule: expected one of {', '.join(RULES)}")


@dataclass(frozen=True)
class BiddingResult:
    settled: bool
    round: int | None = None  # 1-based
    amount: Number | None = None


NOT_SETTLED = BiddingResult(settled=False)


def settle_round(offer: int, demand: int, rules: BiddingRules) -> Number | None:
    """The amount one round settles at, or ``None``."""
    if offer < 0 or demand < 0:
        raise AlgorithmInputError("rounds: amounts cannot be negative")
    midpoint = normal(Fraction(offer + demand, 2))
    if offer >= demand:
        return demand if rules.rule == "demand" else midpoint
    if demand - offer <= max(rules.p * demand, Fraction(rules.a)):
        return midpoint
    return None


def blind_bidding(rounds: Sequence[tuple[int, int] | None], rules: BiddingRules) -> BiddingResult:
    """Run the sealed rounds in order, each as ``(offer, demand)``; ``None`` is a voided round."""
    for number, bids in enumerate(rounds, start=1):
        if bids is None:
            continue
        amount = settle_round(bids[0], bids[1], rules)
        if amount is not None:
            return BiddingResult(settled=True, round=number, amount=amount)
    return NOT_SETTLED
