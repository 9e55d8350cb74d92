"""The Smartsettle-like method (SPEC §3.4 C; our reconstruction, the vendor's formulas are proprietary).

Each side has a visible proposal (v_B, v_C) and a secret bid (s_B, B's maximum; s_C, C's minimum). The secret
bids are given as their history over the rounds; only the last two values matter (the final round's movement).

1. Overlap (s_B ≥ s_C): S = s_C + w·(s_B − s_C), w = m_B/(m_B + m_C), where m is how far each side moved its
   secret bid in the final round (w = ½ if neither moved). The side that conceded less late gains.
2. Small-gap closer (opted in): with secret maximum extensions e_B, e_C, a gap g = s_C − s_B closes iff
   g ≤ e_B + e_C, at S = s_B + g·e_B/(e_B + e_C). No extension at all (e_B = e_C = 0) closes nothing.
3. Expert-neutral decision (opted in): d = min(s_B − v_B, v_C − s_C); the neutrals see only [s_B − d, s_C + d]
   and each picks a fair value; F = their median. The side whose secret bid is nearer F is favoured: S = F if
   F is at least as good for it as its own bid, else S = F + ½·(s_fav − F). If both are equally near, neither
   is favoured and S = F (our choice, so that mirroring the parties mirrors the result).

The steps are tried in that order; the first that applies settles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from soridam.odr.algorithms.exact import AlgorithmInputError, Number, median, normal

VERSION = "smartsettle-like/1"

Method = Literal["overlap", "closer", "expert"]


@dataclass(frozen=True)
class Closer:
    e_b: Fraction
    e_c: Fraction


@dataclass(frozen=True)
class SmartsettleInput:
    s_b: tuple[Fraction, ...]  # B's secret maximum, round by round (the last is the final bid)
    s_c: tuple[Fraction, ...]  # C's secret minimum, round by round
    v_b: Fraction | None = None  # visible proposals; needed only by the expert-neutral step
    v_c: Fraction | None = None
    closer: Closer | None = None
    expert_picks: tuple[Fraction, ...] | None = None


@dataclass(frozen=True)
class SmartsettleResult:
    settled: bool
    amount: Number | None = None
    method: Method | None = None


def _final_move(history: Sequence[Fraction]) -> Fraction:
    return abs(history[-1] - history[-2]) if len(history) >= 2 else Fraction(0)


def overlap_amount(problem: SmartsettleInput) -> Fraction:
    s_b, s_c = problem.s_b[-1], problem.s_c[-1]
    m_b, m_c = _final_move(problem.s_b), _final_move(problem.s_c)
    w = Fraction(1, 2) if m_b + m_c == 0 else m_b / (m_b + m_c)
    return s_c + w * (s_b - s_c)


def expert_range(s_b: Fraction, s_c: Fraction, v_b: Fraction, v_c: Fraction) -> tuple[Fraction, Fraction]:
    """What the neutrals are shown: [s_B − d, s_C + d], d = min(s_B − v_B, v_C − s_C)."""
    d = min(s_b - v_b, v_c - s_c)
    return s_b - d, s_c + d


def expert_amount(s_b: Fraction, s_c: Fraction, picks: Sequence[Fraction]) -> Fraction:
    f = median(picks)
    near_b, near_c = abs(f - s_b), abs(s_c - f)
    if near_c < near_b:  # C favoured; C is the payee, so more is better for C
        return f if f >= s_c else f + (s_c - f) / 2
    if near_b < near_c:  # B favoured; B pays, so less is better for B
        return f if f <= s_b else f + (s_b - f) / 2
    return f


def validate(problem: SmartsettleInput) -> None:
    if not problem.s_b or not problem.s_c:
        raise AlgorithmInputError("s_b, s_c: each side needs at least one secret bid")
    if problem.closer is not None and (problem.closer.e_b < 0 or problem.closer.e_c < 0):
        raise AlgorithmInputError("closer: extensions cannot be negative")
    if problem.expert_picks is None:
        return
    if problem.v_b is None or problem.v_c is None:
        raise AlgorithmInputError("expert: the visible proposals v_b and v_c are needed")
    if not problem.expert_picks:
        raise AlgorithmInputError("expert: at least one neutral's pick is needed")
    s_b, s_c = problem.s_b[-1], problem.s_c[-1]
    if problem.v_b > s_b or problem.v_c < s_c:
        raise AlgorithmInputError("v_b, v_c: a visible proposal cannot be better for its side than its secret bid")
    low, high = expert_range(s_b, s_c, problem.v_b, problem.v_c)
    if any(not low <= pick <= high for pick in problem.expert_picks):
        raise AlgorithmInputError(f"expert: every pick must lie in the range shown, {low}–{high}")


def smartsettle(problem: SmartsettleInput) -> SmartsettleResult:
    validate(problem)
    s_b, s_c = problem.s_b[-1], problem.s_c[-1]
    if s_b >= s_c:
        return SmartsettleResult(True, normal(overlap_amount(problem)), "overlap")
    gap = s_c - s_b
    closer = problem.closer
    if closer is not None and closer.e_b + closer.e_c > 0 and gap <= closer.e_b + closer.e_c:
        amount = s_b + gap * closer.e_b / (closer.e_b + closer.e_c)
        return SmartsettleResult(True, normal(amount), "closer")
    if problem.expert_picks is not None:
        return SmartsettleResult(True, normal(expert_amount(s_b, s_c, problem.expert_picks)), "expert")
    return SmartsettleResult(False)
