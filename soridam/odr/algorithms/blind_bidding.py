"""Double-blind bidding (SPEC §3.4 A): one (offer, demand) pair per round, never crossed between rounds."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

VERSION = "blind_bidding/1"
MIDPOINT = "midpoint"
DEMAND = "demand"


@dataclass(frozen=True)
class Result:
    settled: bool
    round: int | None  # 1-based
    amount: Fraction | None


def settle_round(offer: int, demand: int, p: Fraction, a: int, rule: str) -> Fraction | None:
    """The amount one round settles at, or None. The band's base is the demand (§3.4 A)."""
    if rule not in (MIDPOINT, DEMAND):
        raise ValueError(f"unknown rule {rule!r}")
    if offer >= demand:
        return Fraction(demand) if rule == DEMAND else Fraction(offer + demand, 2)
    if demand - offer <= max(p * demand, Fraction(a)):
        return Fraction(offer + demand, 2)
    return None


def settle(rounds: list[tuple[int, int]], p: Fraction, a: int, rule: str) -> Result:
    """The first round that settles, in order; after the last, no settlement and nothing revealed."""
    for number, (offer, demand) in enumerate(rounds, start=1):
        amount = settle_round(offer, demand, p, a, rule)
        if amount is not None:
            return Result(True, number, amount)
    return Result(False, None, None)
