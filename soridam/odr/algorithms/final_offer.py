"""Final-offer arbitration (SPEC §3.4 F).

The claimant offers o_C, the respondent o_B, with o_C ≥ o_B. The arbitrator (or a panel, whose median is
taken) forms a fair figure a; the award is the offer closer to a; a tie gives the pre-declared midpoint.
Variants, both parameters here:

- night baseball: a is fixed before the offers are seen. The arithmetic is the same; the flag is recorded so
  the log shows which procedure ran.
- high–low: a is clamped to bounds the parties agreed and the arbitrator did not see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from soridam.odr.algorithms.exact import AlgorithmInputError, Number, median, normal

VERSION = "final-offer/1"

Winner = Literal["claimant", "respondent", "tie"]


@dataclass(frozen=True)
class FinalOfferResult:
    award: Number
    winner: Winner
    figure: Number  # the a actually used, after the panel median and the high–low clamp


def final_offer(
    o_c: int, o_b: int, figures: Sequence[Fraction], *, high_low: tuple[int, int] | None = None
) -> FinalOfferResult:
    if o_c < o_b:
        raise AlgorithmInputError("o_c, o_b: the claimant's offer must be at least the respondent's")
    if not figures:
        raise AlgorithmInputError("a: the arbitrator's figure is needed")
    figure = median(figures)
    if high_low is not None:
        low, high = high_low
        if low > high:
            raise AlgorithmInputError("high_low: low is above high")
        figure = min(max(figure, Fraction(low)), Fraction(high))
    to_c, to_b = abs(o_c - figure), abs(figure - o_b)
    if to_c < to_b:
        return FinalOfferResult(o_c, "claimant", normal(figure))
    if to_b < to_c:
        return FinalOfferResult(o_b, "respondent", normal(figure))
    return FinalOfferResult(normal(Fraction(o_c + o_b, 2)), "tie", normal(figure))
