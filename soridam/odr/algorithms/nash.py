"""The Nash bargaining solution (SPEC §3.4 E). A suggestion, never imposed.

Maximise (u_C − d_C)^α · (u_B − d_B)^(1−α) over the feasible outcomes with u ≥ d, where d is each side's
disagreement value (for example the expected net result in court) and α ∈ (0, 1) is C's weight (½ is the
symmetric solution). Three forms, all exact when the inputs are rational:

- ``money``: C receives x from B. ``d_c`` is the least C would get without agreement, ``d_b`` the most B would
  pay (its disagreement utility is −d_b). Closed form x* = d_C + α·(d_B − d_C), kept inside the allowed
  interval [low, high]. No zone of agreement (max(low, d_C) > min(high, d_B)) gives no amount.
- ``segment``: the outcomes are u(f) = from + f·(to − from) for a share f ∈ [0, 1], for example the refund
  share in the Adjusted Winner data. The product is log-concave in f, so the maximiser is the stationary
  point f* = −(α·Δc·(y0 − d_B) + (1−α)·Δb·(x0 − d_C)) / (Δc·Δb), kept inside the feasible part of [0, 1].
- ``outcomes``: a finite list of named outcomes; the first one with the largest product wins. Weighted
  products are compared exactly by raising both to the power q of α = p/q.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from soridam.odr.algorithms.exact import AlgorithmInputError

VERSION = "nash/1"
HALF = Fraction(1, 2)
MAX_ALPHA_DENOMINATOR = 1000  # keeps the exact power comparison of the outcome form small


@dataclass(frozen=True)
class Outcome:
    name: str
    u_c: Fraction
    u_b: Fraction


@dataclass(frozen=True)
class SegmentResult:
    share: Fraction
    u_c: Fraction
    u_b: Fraction


def check_alpha(alpha: Fraction) -> None:
    if not 0 < alpha < 1:
        raise AlgorithmInputError("alpha: C's weight must lie strictly between 0 and 1")


def money(d_c: Fraction, d_b: Fraction, low: Fraction, high: Fraction, alpha: Fraction = HALF) -> Fraction | None:
    """The amount C receives, or ``None`` when no amount is at least as good as disagreement for both."""
    check_alpha(alpha)
    if low > high:
        raise AlgorithmInputError("interval: low is above high")
    floor, ceiling = max(low, d_c), min(high, d_b)
    if floor > ceiling:
        return None
    return min(max(d_c + alpha * (d_b - d_c), floor), ceiling)


def _feasible_shares(start: Fraction, slope: Fraction, disagreement: Fraction) -> tuple[Fraction, Fraction]:
    """The shares f in [0, 1] with start + f·slope ≥ disagreement, as an interval (empty if low > high)."""
    if slope == 0:
        return (Fraction(0), Fraction(1)) if start >= disagreement else (Fraction(1), Fraction(0))
    bound = (disagreement - start) / slope
    return (max(Fraction(0), bound), Fraction(1)) if slope > 0 else (Fraction(0), min(Fraction(1), bound))


def segment(
    start: tuple[Fraction, Fraction],
    end: tuple[Fraction, Fraction],
    d_c: Fraction,
    d_b: Fraction,
    alpha: Fraction = HALF,
) -> SegmentResult | None:
    """``start`` and ``end`` are (u_C, u_B) at f = 0 and f = 1."""
    check_alpha(alpha)
    (x0, y0), (dx, dy) = start, (end[0] - start[0], end[1] - start[1])
    low_c, high_c = _feasible_shares(x0, dx, d_c)
    low_b, high_b = _feasible_shares(y0, dy, d_b)
    low, high = max(low_c, low_b), min(high_c, high_b)
    if low > high:
        return None
    if dx * dy < 0:  # a real trade-off: the log-concave product peaks at its stationary point
        best = -(alpha * dx * (y0 - d_b) + (1 - alpha) * dy * (x0 - d_c)) / (dx * dy)
    else:  # both gain (or lose) together along the segment: go as far as they both like
        best = high if dx + dy > 0 else low
    share = min(max(best, low), high)
    return SegmentResult(share, x0 + share * dx, y0 + share * dy)


def _power_product(outcome: Outcome, d_c: Fraction, d_b: Fraction, alpha: Fraction) -> Fraction:
    """The weighted product raised to the power q (α = p/q): the same order, and exact."""
    p, q = alpha.numerator, alpha.denominator
    return (outcome.u_c - d_c) ** p * (outcome.u_b - d_b) ** (q - p)


def choose(outcomes: Sequence[Outcome], d_c: Fraction, d_b: Fraction, alpha: Fraction = HALF) -> Outcome | None:
    """The outcome maximising the Nash product among those at least as good as disagreement for both."""
    check_alpha(alpha)
    if alpha.denominator > MAX_ALPHA_DENOMINATOR:
        raise AlgorithmInputError(f"alpha: use a denominator of at most {MAX_ALPHA_DENOMINATOR} with outcomes")
    if not outcomes:
        raise AlgorithmInputError("outcomes: at least one outcome is needed")
    feasible = [outcome for outcome in outcomes if outcome.u_c >= d_c and outcome.u_b >= d_b]
    best: Outcome | None = None
    for outcome in feasible:
        if best is None or _power_product(outcome, d_c, d_b, alpha) > _power_product(best, d_c, d_b, alpha):
            best = outcome
    return best
