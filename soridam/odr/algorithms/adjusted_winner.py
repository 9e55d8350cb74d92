"""Adjusted Winner (Brams–Taylor), SPEC §3.4 D, in exact fractions. A suggestion, never imposed.

Each side spreads 100 points over the issues. (1) Each issue goes to the side with more points (ties to C).
(2) W = the side with the larger total, L = the other; equal totals stop. (3) W's issues are ordered by
w_g/l_g ascending (an issue L gives no points comes last; equal ratios keep the input order). (4) Each is
moved wholly to L while U_W − w_g ≥ U_L + l_g; otherwise the fraction p = (U_W − U_L)/(w_g + l_g) moves and
the procedure stops. The result is envy-free, equitable and Pareto-optimal in points, with at most one split
issue. A split indivisible issue is reported as such (``split.divisible`` is false): it becomes money or a
lottery with probability p, which the parties must agree to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from soridam.odr.algorithms.exact import AlgorithmInputError

VERSION = "adjusted-winner/1"
POINTS = 100


@dataclass(frozen=True)
class Issue:
    name: str
    c: Fraction  # the claimant's points
    b: Fraction  # the respondent's points
    divisible: bool = True


@dataclass(frozen=True)
class Split:
    issue: str
    fraction_to_b: Fraction
    divisible: bool


@dataclass(frozen=True)
class AdjustedWinnerResult:
    shares_to_c: tuple[Fraction, ...]  # per issue, in input order; B holds the rest
    split: Split | None
    u_c: Fraction
    u_b: Fraction
    c_values_b_bundle: Fraction  # what C thinks B's bundle is worth (envy check)
    b_values_c_bundle: Fraction


def validate(issues: Sequence[Issue]) -> None:
    if not issues:
        raise AlgorithmInputError("issues: at least one issue is needed")
    names = [issue.name for issue in issues]
    if len(set(names)) != len(names):
        raise AlgorithmInputError("issues: every issue needs its own name")
    if any(issue.c < 0 or issue.b < 0 for issue in issues):
        raise AlgorithmInputError("issues: points cannot be negative")
    for side in ("c", "b"):
        total = sum((getattr(issue, side) for issue in issues), Fraction(0))
        if total != POINTS:
            raise AlgorithmInputError(f"issues: {side} spreads {total} points, not {POINTS}")


def _transfer_order(issues: Sequence[Issue], winner_owns: list[int], winner: str) -> list[int]:
    def ratio(index: int) -> tuple[int, Fraction]:
        issue = issues[index]
        mine, theirs = (issue.c, issue.b) if winner == "c" else (issue.b, issue.c)
        return (1, Fraction(0)) if theirs == 0 else (0, mine / theirs)

    return sorted(winner_owns, key=ratio)  # sorted is stable: equal ratios keep the input order


def adjusted_winner(issues: Sequence[Issue]) -> AdjustedWinnerResult:
    validate(issues)
    shares = [Fraction(1) if issue.c >= issue.b else Fraction(0) for issue in issues]
    u_c = sum((issue.c * share for issue, share in zip(issues, shares, strict=True)), Fraction(0))
    u_b = sum((issue.b * (1 - share) for issue, share in zip(issues, shares, strict=True)), Fraction(0))
    split: Split | None = None
    if u_c != u_b:
        winner = "c" if u_c > u_b else "b"
        owned = [i for i, share in enumerate(shares) if share == (1 if winner == "c" else 0)]
        u_w, u_l = (u_c, u_b) if winner == "c" else (u_b, u_c)
        for index in _transfer_order(issues, owned, winner):
            issue = issues[index]
            w_g, l_g = (issue.c, issue.b) if winner == "c" else (issue.b, issue.c)
            moved = Fraction(1) if u_w - w_g >= u_l + l_g else (u_w - u_l) / (w_g + l_g)
            shares[index] += -moved if winner == "c" else moved
            u_w, u_l = u_w - moved * w_g, u_l + moved * l_g
            if moved != 1:
                split = Split(issue.name, 1 - shares[index], issue.divisible)
            if u_w == u_l:
                break
        u_c, u_b = (u_w, u_l) if winner == "c" else (u_l, u_w)
    c_of_b = sum((issue.c * (1 - share) for issue, share in zip(issues, shares, strict=True)), Fraction(0))
    b_of_c = sum((issue.b * share for issue, share in zip(issues, shares, strict=True)), Fraction(0))
    return AdjustedWinnerResult(tuple(shares), split, u_c, u_b, c_of_b, b_of_c)
