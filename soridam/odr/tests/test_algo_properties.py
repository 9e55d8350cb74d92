"""Hypothesis properties of the settlement algorithms (SPEC §3.5): replay, symmetry, bounds, monotonicity,
Nash invariance and consistency. Adjusted Winner has its own file (test_algo_adjusted_winner.py)."""

from __future__ import annotations

import ast
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from soridam.odr.algorithms import bidding, final_offer, jsonio, nash, smartsettle
from soridam.odr.algorithms.bidding import BiddingRules
from soridam.odr.algorithms.exact import AlgorithmInputError
from soridam.odr.algorithms.smartsettle import Closer, SmartsettleInput

F = Fraction
MAX = 1_000_000
money = st.integers(0, MAX)
fractions = st.fractions(min_value=0, max_value=1, max_denominator=100)
alphas = st.fractions(min_value=F(1, 100), max_value=F(99, 100), max_denominator=100)
rules = st.builds(BiddingRules, a=st.integers(0, 100_000), p=fractions, rule=st.sampled_from(bidding.RULES))
rounds = st.lists(st.tuples(money, money), min_size=1, max_size=4)
fast = settings(max_examples=150, deadline=None)


# Double-blind bidding


@fast
@given(rounds, rules)
def test_bidding_replays_and_settles_between_the_offer_and_the_demand(
    bids: list[tuple[int, int]], rule: BiddingRules
) -> None:
    result = bidding.blind_bidding(bids, rule)
    assert bidding.blind_bidding(list(bids), rule) == result
    if not result.settled:
        assert (result.round, result.amount) == (None, None)
        return
    assert result.round is not None
    assert result.amount is not None
    offer, demand = bids[result.round - 1]
    assert min(offer, demand) <= result.amount <= max(offer, demand)
    assert all(bidding.settle_round(o, d, rule) is None for o, d in bids[: result.round - 1])


@fast
@given(rounds, st.integers(0, 100_000))
def test_bidding_mirrors_when_the_parties_swap(bids: list[tuple[int, int]], band: int) -> None:
    """With an absolute band and the midpoint rule the method treats both sides alike: C's demand D becomes B's
    offer M − D and the other way round, and the result is M − S in the same round."""
    rule = BiddingRules(a=band, p=F(0))
    mirrored = [(MAX - demand, MAX - offer) for offer, demand in bids]
    result, swapped = bidding.blind_bidding(bids, rule), bidding.blind_bidding(mirrored, rule)
    assert (swapped.settled, swapped.round) == (result.settled, result.round)
    if result.amount is not None:
        assert swapped.amount == MAX - result.amount


@fast
@given(money, money, st.integers(0, MAX), rules)
def test_bidding_is_monotone_in_the_offer_and_the_demand(
    offer: int, demand: int, more: int, rule: BiddingRules
) -> None:
    before = bidding.settle_round(offer, demand, rule)
    higher_offer = bidding.settle_round(offer + more, demand, rule)
    if before is not None:
        assert higher_offer is not None
        assert higher_offer >= before
    higher_demand = bidding.settle_round(offer, demand + more, rule)
    if before is not None and higher_demand is not None:
        assert higher_demand >= before


@fast
@given(rounds, rules, st.integers(0, 100_000), fractions)
def test_a_wider_band_never_delays_a_settlement(
    bids: list[tuple[int, int]], rule: BiddingRules, more: int, p: Fraction
) -> None:
    wider = BiddingRules(a=rule.a + more, p=max(rule.p, p), rule=rule.rule)
    before, after = bidding.blind_bidding(bids, rule), bidding.blind_bidding(bids, wider)
    if before.settled:
        assert after.settled
        assert after.round is not None
        assert before.round is not None
        assert after.round <= before.round


def test_a_voided_round_is_skipped() -> None:
    rule = BiddingRules(a=5000)
    assert bidding.blind_bidding([None, (52_000, 70_000)], rule) == bidding.BiddingResult(True, 2, 61_000)


# Smartsettle-like


@st.composite
def smartsettle_problems(draw: st.DrawFn) -> SmartsettleInput:
    s_b = tuple(F(v) for v in draw(st.lists(st.integers(0, 1000), min_size=1, max_size=3)))
    s_c = tuple(F(v) for v in draw(st.lists(st.integers(0, 1000), min_size=1, max_size=3)))
    closer = draw(st.none() | st.builds(Closer, st.integers(0, 50).map(F), st.integers(0, 50).map(F)))
    v_b, v_c, picks = None, None, None
    if draw(st.booleans()):
        v_b, v_c = s_b[-1] - draw(st.integers(0, 100)), s_c[-1] + draw(st.integers(0, 100))
        low, high = smartsettle.expert_range(s_b[-1], s_c[-1], v_b, v_c)
        if low <= high:
            picks = tuple(F(p) for p in draw(st.lists(st.integers(int(low), int(high)), min_size=3, max_size=3)))
    return SmartsettleInput(s_b, s_c, v_b, v_c, closer, picks)


def mirror_smartsettle(problem: SmartsettleInput, m: int) -> SmartsettleInput:
    closer = None if problem.closer is None else Closer(problem.closer.e_c, problem.closer.e_b)
    return SmartsettleInput(
        s_b=tuple(m - v for v in problem.s_c),
        s_c=tuple(m - v for v in problem.s_b),
        v_b=None if problem.v_c is None else m - problem.v_c,
        v_c=None if problem.v_b is None else m - problem.v_b,
        closer=closer,
        expert_picks=None if problem.expert_picks is None else tuple(m - p for p in problem.expert_picks),
    )


@fast
@given(smartsettle_problems())
def test_smartsettle_is_symmetric_bounded_and_replayable(problem: SmartsettleInput) -> None:
    result = smartsettle.smartsettle(problem)
    assert smartsettle.smartsettle(problem) == result
    swapped = smartsettle.smartsettle(mirror_smartsettle(problem, 1000))
    assert (swapped.settled, swapped.method) == (result.settled, result.method)
    if result.amount is None:
        return
    assert swapped.amount == 1000 - result.amount
    s_b, s_c = problem.s_b[-1], problem.s_c[-1]
    if result.method == "expert":
        assert problem.v_b is not None
        assert problem.v_c is not None
        low, high = smartsettle.expert_range(s_b, s_c, problem.v_b, problem.v_c)
        assert low <= result.amount <= high
    else:
        assert min(s_b, s_c) <= result.amount <= max(s_b, s_c)


# Final-offer arbitration


offers = st.tuples(money, money).map(sorted)


@fast
@given(offers, st.integers(-MAX, 2 * MAX), st.integers(0, MAX))
def test_final_offer_awards_one_offer_and_is_monotone_in_a(pair: list[int], a: int, more: int) -> None:
    o_b, o_c = pair
    result = final_offer.final_offer(o_c, o_b, [F(a)])
    midpoint = F(o_c + o_b, 2)
    assert result.award in (o_c, o_b) if result.winner != "tie" else result.award == midpoint
    assert final_offer.final_offer(o_c, o_b, [F(a + more)]).award >= result.award
    mirrored = final_offer.final_offer(MAX - o_b, MAX - o_c, [F(MAX - a)])
    assert mirrored.award == MAX - result.award


@fast
@given(offers, st.integers(0, MAX), st.tuples(money, money).map(sorted))
def test_high_low_keeps_the_figure_inside_the_bounds(pair: list[int], a: int, bounds: list[int]) -> None:
    result = final_offer.final_offer(pair[1], pair[0], [F(a)], high_low=(bounds[0], bounds[1]))
    assert bounds[0] <= result.figure <= bounds[1]


# Nash bargaining


def weighted(u_c: Fraction, u_b: Fraction, d_c: Fraction, d_b: Fraction, alpha: Fraction) -> Fraction:
    p, q = alpha.numerator, alpha.denominator
    return (u_c - d_c) ** p * (u_b - d_b) ** (q - p)


@fast
@given(money, money, st.tuples(money, money).map(sorted), alphas, st.integers(0, 1000))
def test_nash_money_is_bounded_and_monotone(
    d_c: int, d_b: int, interval: list[int], alpha: Fraction, more: int
) -> None:
    low, high = F(interval[0]), F(interval[1])
    amount = nash.money(F(d_c), F(d_b), low, high, alpha)
    if amount is None:
        assert max(low, d_c) > min(high, d_b)
        return
    assert max(low, d_c) <= amount <= min(high, d_b)  # each side gets at least its disagreement value
    assert nash.money(F(d_c), F(d_b + more), low, high + more, alpha) >= amount  # type: ignore[operator]
    assert nash.money(F(d_c), F(d_b), low, high, min(alpha + F(1, 100), F(99, 100))) >= amount  # type: ignore[operator]
    # the money form is the segment form with u_B = −x
    found = nash.segment((low, -low), (high, -high), F(d_c), F(-d_b), alpha)
    assert found is not None
    assert found.u_c == amount


segments = st.tuples(st.integers(-100, 100), st.integers(-100, 100)).map(lambda p: (F(p[0]), F(p[1])))


@fast
@given(segments, segments, segments, alphas)
def test_nash_segment_beats_every_other_share_and_gives_each_at_least_d(
    start: tuple[Fraction, Fraction], end: tuple[Fraction, Fraction], d: tuple[Fraction, Fraction], alpha: Fraction
) -> None:
    found = nash.segment(start, end, d[0], d[1], alpha)
    if found is None:
        return
    assert found.u_c >= d[0]
    assert found.u_b >= d[1]
    best = weighted(found.u_c, found.u_b, d[0], d[1], alpha)
    for step in range(21):
        f = F(step, 20)
        u_c, u_b = start[0] + f * (end[0] - start[0]), start[1] + f * (end[1] - start[1])
        if u_c >= d[0] and u_b >= d[1]:
            assert weighted(u_c, u_b, d[0], d[1], alpha) <= best


outcome_lists = st.lists(
    st.tuples(st.integers(-50, 100), st.integers(-50, 100)), min_size=1, max_size=6, unique=True
).map(lambda pairs: [nash.Outcome(f"o{i}", F(c), F(b)) for i, (c, b) in enumerate(pairs)])


@fast
@given(outcome_lists, st.integers(-50, 50), st.integers(-50, 50), alphas, st.integers(1, 20), st.integers(-100, 100))
def test_nash_choice_is_invariant_to_rescaling_and_to_dropping_unchosen_options(
    outcomes: list[nash.Outcome], d_c: int, d_b: int, alpha: Fraction, scale: int, shift: int
) -> None:
    chosen = nash.choose(outcomes, F(d_c), F(d_b), alpha)
    if chosen is not None:
        assert chosen.u_c >= d_c
        assert chosen.u_b >= d_b
    rescaled = [nash.Outcome(o.name, o.u_c, scale * o.u_b + shift) for o in outcomes]
    again = nash.choose(rescaled, F(d_c), F(scale * d_b + shift), alpha)
    assert (again and again.name) == (chosen and chosen.name)
    if chosen is not None:
        for keep in (lambda i: i % 2, lambda i: i % 2 == 0, lambda i: False):  # drop unchosen options
            kept = [o for i, o in enumerate(outcomes) if o == chosen or keep(i)]
            assert nash.choose(kept, F(d_c), F(d_b), alpha) == chosen
    swapped = [nash.Outcome(o.name, o.u_b, o.u_c) for o in outcomes]
    mirror = nash.choose(swapped, F(d_b), F(d_c), 1 - alpha)
    assert (mirror and mirror.name) == (chosen and chosen.name)


@fast
@given(segments, segments, st.integers(1, 20), st.integers(-100, 100))
def test_nash_segment_share_is_invariant_to_rescaling(
    start: tuple[Fraction, Fraction], end: tuple[Fraction, Fraction], scale: int, shift: int
) -> None:
    found = nash.segment(start, end, F(-200), F(-200))
    rescaled = nash.segment(
        (start[0], scale * start[1] + shift), (end[0], scale * end[1] + shift), F(-200), F(scale * -200 + shift)
    )
    assert (found and found.share) == (rescaled and rescaled.share)


# Replay and consistency through the JSON front


EXAMPLES: dict[str, dict[str, Any]] = {
    "blind_bidding": {"rounds": [[52000, 70000]], "a": 5000},
    "smartsettle": {"s_c": [56, 54], "s_b": [52, 58]},
    "adjusted_winner": {"issues": [{"name": "refund", "c": 60, "b": 30}, {"name": "voucher", "c": 40, "b": 70}]},
    "nash": {"d_c": 100, "d_b": 200, "interval": [0, 300], "alpha": "3/10"},
    "final_offer": {"o_c": 300000, "o_b": 180000, "a": 250000},
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_a_logged_run_replays_under_its_pinned_version(name: str) -> None:
    record = {"algorithm": name, "version": jsonio.ALGORITHMS[name][0], "input": EXAMPLES[name]}
    record["output"] = jsonio.run(name, EXAMPLES[name])
    assert jsonio.replay(record)
    assert not jsonio.replay({**record, "output": {**record["output"], "version": "changed"}})
    with pytest.raises(AlgorithmInputError, match="pins"):
        jsonio.replay({**record, "version": "other/0"})


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_language_region_and_channel_are_never_inputs(name: str) -> None:
    with translation.override("ko"):
        korean = jsonio.run(name, EXAMPLES[name])
    with translation.override("en"):
        english = jsonio.run(name, EXAMPLES[name])
    assert korean == english
    for extra in ("language", "region", "channel"):
        with pytest.raises(AlgorithmInputError, match="unknown field"):
            jsonio.run(name, {**EXAMPLES[name], extra: "ko"})


def test_the_algorithms_import_nothing_but_the_standard_library_and_each_other() -> None:
    package = Path(jsonio.__file__).parent
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith("django"), module
                assert not name.startswith("soridam") or name.startswith("soridam.odr.algorithms"), module


# Non-leakage: a failed negotiation's answer is the same bytes whatever the secret bids were


@fast
@given(rounds, rounds, st.integers(0, 100_000))
def test_two_failed_biddings_answer_byte_identically(
    first: list[tuple[int, int]], second: list[tuple[int, int]], a: int
) -> None:
    answers = []
    for bids in (first, second):
        payload = {"rounds": [list(pair) for pair in bids], "a": a}
        answers.append(json.dumps(jsonio.run("blind_bidding", payload), sort_keys=True).encode())
    outcomes = [bidding.blind_bidding(bids, BiddingRules(a=a)).settled for bids in (first, second)]
    if not any(outcomes):
        assert answers[0] == answers[1]


@fast
@given(smartsettle_problems(), smartsettle_problems())
def test_two_failed_smartsettles_answer_identically(first: SmartsettleInput, second: SmartsettleInput) -> None:
    results = [smartsettle.smartsettle(problem) for problem in (first, second)]
    if not any(result.settled for result in results):
        assert results[0] == results[1] == smartsettle.SmartsettleResult(False)
