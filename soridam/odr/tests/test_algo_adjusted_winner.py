"""Adjusted Winner invariants (SPEC §3.5): points conserved, U_C = U_B exactly when an issue is split, at most one
fractional issue, envy-free, and undominated, the last checked with a linear programme."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from soridam.odr.algorithms.adjusted_winner import AdjustedWinnerResult, Issue, Split, adjusted_winner
from soridam.odr.algorithms.exact import AlgorithmInputError

F = Fraction
TOLERANCE = 1e-7


def spread(count: int) -> st.SearchStrategy[list[int]]:
    """100 points spread over ``count`` issues (zeros allowed)."""
    cuts = st.lists(st.integers(0, 100), min_size=count - 1, max_size=count - 1).map(sorted)
    return cuts.map(lambda c: [b - a for a, b in zip([0, *c], [*c, 100], strict=True)])


@st.composite
def problems(draw: st.DrawFn) -> list[Issue]:
    count = draw(st.integers(1, 6))
    c, b = draw(spread(count)), draw(spread(count))
    return [Issue(f"issue{i}", F(c[i]), F(b[i]), draw(st.booleans())) for i in range(count)]


def best_other_utility(issues: list[Issue], floor: Fraction, maximise_b: bool) -> float:
    """The most one side can get over all fractional allocations while the other keeps at least ``floor``."""
    c = [float(issue.c) for issue in issues]
    b = [float(issue.b) for issue in issues]
    # x_g = C's share of issue g. U_C = c·x, U_B = Σb − b·x
    if maximise_b:  # max Σb − b·x  s.t.  c·x ≥ floor
        found = linprog(b, A_ub=[[-v for v in c]], b_ub=[-float(floor)], bounds=[(0, 1)] * len(issues))
        return sum(b) - found.fun
    # max c·x  s.t.  Σb − b·x ≥ floor  ⇔  b·x ≤ Σb − floor
    found = linprog([-v for v in c], A_ub=[b], b_ub=[sum(b) - float(floor)], bounds=[(0, 1)] * len(issues))
    return -found.fun


def check_invariants(issues: list[Issue], result: AdjustedWinnerResult) -> None:
    shares = result.shares_to_c
    assert all(0 <= share <= 1 for share in shares)
    fractional = [issue.name for issue, share in zip(issues, shares, strict=True) if 0 < share < 1]
    assert len(fractional) <= 1
    assert fractional == ([] if result.split is None else [result.split.issue])
    u_c = sum((i.c * s for i, s in zip(issues, shares, strict=True)), F(0))
    u_b = sum((i.b * (1 - s) for i, s in zip(issues, shares, strict=True)), F(0))
    assert (u_c, u_b) == (result.u_c, result.u_b)
    # points conserved: each side's 100 points are split between the two bundles, nothing made or lost
    assert result.u_c + result.c_values_b_bundle == 100
    assert result.u_b + result.b_values_c_bundle == 100
    if result.split is not None:
        assert result.u_c == result.u_b  # equitable, exactly
        assert result.split.fraction_to_b == 1 - shares[[i.name for i in issues].index(result.split.issue)]
    assert result.u_c >= result.c_values_b_bundle  # envy-free
    assert result.u_b >= result.b_values_c_bundle


@settings(max_examples=200, deadline=None)
@given(problems())
def test_adjusted_winner_invariants(issues: list[Issue]) -> None:
    result = adjusted_winner(issues)
    check_invariants(issues, result)
    assert adjusted_winner(list(issues)) == result  # replay


@settings(max_examples=100, deadline=None)
@given(problems())
def test_adjusted_winner_is_undominated_by_any_fractional_allocation(issues: list[Issue]) -> None:
    result = adjusted_winner(issues)
    assert best_other_utility(issues, result.u_c, maximise_b=True) <= float(result.u_b) + TOLERANCE
    assert best_other_utility(issues, result.u_b, maximise_b=False) <= float(result.u_c) + TOLERANCE


@settings(max_examples=150, deadline=None)
@given(problems())
def test_adjusted_winner_mirrors_when_the_parties_swap(issues: list[Issue]) -> None:
    """Ties go to C, so the mirror holds where no issue has equal points."""
    if any(issue.c == issue.b for issue in issues):
        return
    result = adjusted_winner(issues)
    swapped = adjusted_winner([Issue(i.name, i.b, i.c, i.divisible) for i in issues])
    assert swapped.shares_to_c == tuple(1 - share for share in result.shares_to_c)
    assert (swapped.u_c, swapped.u_b) == (result.u_b, result.u_c)


def test_an_lp_finds_the_dominating_allocation_that_a_wrong_transfer_order_would_leave() -> None:
    """The LP check has teeth: moving the worst-ratio issue first (voucher, not refund) is dominated."""
    issues = [Issue("refund", F(50), F(40)), Issue("postage", F(15), F(5)), Issue("voucher", F(20), F(10)),
              Issue("item", F(10), F(25)), Issue("review", F(5), F(20))]  # fmt: skip
    # voucher wholly to B (U_C 65, U_B 55), then p of refund: (65 − 55)/90 = 1/9
    wrong_u = F(65) - F(50, 9)
    assert best_other_utility(issues, wrong_u, maximise_b=True) > float(wrong_u) + 1
    assert adjusted_winner(issues).u_c == F(565, 9) > wrong_u


def test_an_indivisible_split_is_reported() -> None:
    """B wins 70 to 60 and must give up 1/11 of the parcel it values 70 and C 40: (70 − 60)/(70 + 40)."""
    issues = [Issue("refund", F(60), F(30)), Issue("parcel", F(40), F(70), divisible=False)]
    result = adjusted_winner(issues)
    assert result.split == Split("parcel", F(10, 11), divisible=False)
    assert result.u_c == result.u_b == F(700, 11)


@pytest.mark.parametrize(
    "issues",
    [
        [],
        [Issue("a", F(60), F(100))],
        [Issue("a", F(100), F(100)), Issue("a", F(0), F(0))],
        [Issue("a", F(110), F(100)), Issue("b", F(-10), F(0))],
    ],
)
def test_bad_points_are_refused(issues: list[Issue]) -> None:
    with pytest.raises(AlgorithmInputError):
        adjusted_winner(issues)
