"""Golden tests: every worked example of SPEC §3.4 gives exactly the stated result, called directly and through
``manage.py odr_algorithm NAME --json``."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from soridam.odr.algorithms import adjusted_winner, bidding, final_offer, nash, smartsettle
from soridam.odr.algorithms.adjusted_winner import Issue
from soridam.odr.algorithms.smartsettle import Closer, SmartsettleInput

F = Fraction
ROOT = Path(__file__).resolve().parents[3]
SPEC_BIDDING = {"rounds": [[40000, 100000], [50000, 80000], [52000, 70000]], "p": "3/10", "a": 5000}
AW_ISSUES = [
    {"name": "refund", "c": 50, "b": 40, "divisible": True},
    {"name": "item", "c": 10, "b": 25, "divisible": False},
    {"name": "review", "c": 5, "b": 20, "divisible": False},
    {"name": "postage", "c": 15, "b": 5, "divisible": True},
    {"name": "voucher", "c": 20, "b": 10, "divisible": True},
]


def command(name: str, payload: Any) -> dict[str, Any]:
    out = io.StringIO()
    call_command("odr_algorithm", name, "--json", stdin=io.StringIO(json.dumps(payload)), stdout=out)
    printed = out.getvalue()
    assert printed.count("\n") <= 1  # one JSON object
    return json.loads(printed)


def exact(value: str) -> dict[str, Any]:
    fraction = F(value)
    return {"exact": f"{fraction.numerator}/{fraction.denominator}", "float": float(fraction)}


# A. Double-blind bidding


def test_bidding_settles_in_the_third_round_at_61000() -> None:
    rules = bidding.BiddingRules(a=5000, p=F(3, 10))
    rounds = [(40_000, 100_000), (50_000, 80_000), (52_000, 70_000)]
    assert bidding.blind_bidding(rounds, rules) == bidding.BiddingResult(True, 3, 61_000)
    # the first two rounds fail on their own: 60,000 > 30,000 and 30,000 > 24,000
    assert bidding.settle_round(40_000, 100_000, rules) is None
    assert bidding.settle_round(50_000, 80_000, rules) is None
    assert command("blind_bidding", SPEC_BIDDING) == {
        "algorithm": "blind_bidding",
        "version": bidding.VERSION,
        "settled": True,
        "round": 3,
        "amount": 61000,
    }


def test_bidding_overlap_is_62500_at_the_midpoint_and_60000_under_the_demand_rule() -> None:
    assert bidding.settle_round(65_000, 60_000, bidding.BiddingRules(a=5000)) == 62_500
    assert bidding.settle_round(65_000, 60_000, bidding.BiddingRules(a=5000, rule="demand")) == 60_000
    assert command("blind_bidding", {"rounds": [[65000, 60000]], "a": 5000})["amount"] == 62500
    assert command("blind_bidding", {"rounds": [[65000, 60000]], "a": 5000, "rule": "demand"})["amount"] == 60000


def test_the_midpoint_leak_gives_c_the_offer_52000() -> None:
    result = bidding.blind_bidding([(52_000, 70_000)], bidding.BiddingRules(a=5000))
    assert result.amount is not None
    assert 2 * result.amount - 70_000 == 52_000


def test_an_odd_midpoint_is_printed_exactly() -> None:
    result = command("blind_bidding", {"rounds": [[52001, 70000]], "a": 5000})
    assert result["amount"] == {"exact": "122001/2", "float": 61000.5}


def test_a_failed_negotiation_returns_nothing_else() -> None:
    result = command("blind_bidding", {"rounds": [[40000, 100000], None, [50000, 80000]], "a": 5000})
    assert result == {"algorithm": "blind_bidding", "version": bidding.VERSION, "settled": False, "round": None,
                      "amount": None}  # fmt: skip


# C. Smartsettle-like


def test_smartsettle_overlap_weights_the_late_movement_to_57() -> None:
    problem = SmartsettleInput(s_b=(F(52), F(58)), s_c=(F(56), F(54)))
    assert smartsettle.smartsettle(problem) == smartsettle.SmartsettleResult(True, 57, "overlap")
    assert command("smartsettle", {"s_c": [56, 54], "s_b": [52, 58]})["amount"] == 57


def test_smartsettle_small_gap_closer_gives_53_57_as_the_exact_fraction() -> None:
    problem = SmartsettleInput(s_b=(F(51),), s_c=(F(57),), closer=Closer(e_b=F(3), e_c=F(4)))
    result = smartsettle.smartsettle(problem)
    assert result.amount == F(375, 7)
    assert round(float(result.amount), 2) == 53.57
    out = command("smartsettle", {"s_b": 51, "s_c": 57, "closer": {"e_b": 3, "e_c": 4}})
    assert out["amount"] == exact("375/7")
    assert out["method"] == "closer"


def test_smartsettle_without_opt_ins_leaves_the_gap_open() -> None:
    assert command("smartsettle", {"s_b": 51, "s_c": 57}) == {
        "algorithm": "smartsettle", "version": smartsettle.VERSION, "settled": False, "amount": None, "method": None
    }  # fmt: skip


@pytest.mark.parametrize(("picks", "expected"), [([53, 56, 55], 56), ([58, 57, 60], 58)])
def test_smartsettle_expert_neutral_gives_56_or_58(picks: list[int], expected: int) -> None:
    assert smartsettle.expert_range(F(51), F(57), F(47), F(62)) == (47, 61)
    problem = SmartsettleInput((F(51),), (F(57),), F(47), F(62), expert_picks=tuple(F(p) for p in picks))
    assert smartsettle.smartsettle(problem).amount == expected
    payload = {"s_b": 51, "s_c": 57, "v_b": 47, "v_c": 62, "expert": {"picks": picks}}
    assert command("smartsettle", payload)["amount"] == expected


# D. Adjusted Winner


def test_adjusted_winner_moves_four_ninths_of_the_refund() -> None:
    issues = [Issue(i["name"], F(i["c"]), F(i["b"]), i["divisible"]) for i in AW_ISSUES]
    result = adjusted_winner.adjusted_winner(issues)
    assert result.split == adjusted_winner.Split("refund", F(4, 9), True)
    assert result.shares_to_c == (F(5, 9), 0, 0, 1, 1)
    assert result.u_c == result.u_b == F(565, 9)
    assert result.c_values_b_bundle == result.b_values_c_bundle == F(335, 9)
    out = command("adjusted_winner", {"issues": AW_ISSUES})
    assert out["split"] == {"issue": "refund", "fraction_to_b": exact("4/9"), "divisible": True}
    assert out["c"] == [{"issue": "refund", "share": exact("5/9")}, "postage", "voucher"]
    assert out["b"] == [{"issue": "refund", "share": exact("4/9")}, "item", "review"]
    assert out["u_c"] == out["u_b"] == exact("565/9")
    assert out["c_values_b_bundle"] == out["b_values_c_bundle"] == exact("335/9")


# E. Nash bargaining


def test_nash_money_splits_the_zone_at_150_and_130_with_alpha_three_tenths() -> None:
    assert nash.money(F(100), F(200), F(0), F(300)) == 150
    assert nash.money(F(100), F(200), F(0), F(300), alpha=F(3, 10)) == 130
    # d_C = 0.7 × 200 − 40 and B would pay 140 + 60
    assert command("nash", {"d_c": 100, "d_b": 200, "interval": [0, 300]}) == {
        "algorithm": "nash", "version": nash.VERSION, "amount": 150
    }  # fmt: skip
    assert command("nash", {"d_c": 100, "d_b": 200, "interval": [0, 300], "alpha": "3/10"})["amount"] == 130


def test_nash_on_the_adjusted_winner_data_gives_f_0_7125() -> None:
    found = nash.segment((F(35), F(85)), (F(85), F(45)), F(0), F(0))
    assert found == nash.SegmentResult(F(57, 80), F(565, 8), F(113, 2))
    assert float(found.share) == 0.7125
    assert (round(float(found.u_c), 1), float(found.u_b)) == (70.6, 56.5)
    payload = {"d_c": 0, "d_b": 0, "segment": {"from": {"u_c": 35, "u_b": 85}, "to": {"u_c": 85, "u_b": 45}}}
    assert command("nash", payload)["share"] == {"exact": "57/80", "float": 0.7125}


def test_nash_chooses_from_a_finite_list() -> None:
    outcomes = [{"name": "refund", "u_c": 150, "u_b": -150}, {"name": "half", "u_c": 120, "u_b": -120}]
    assert command("nash", {"d_c": 100, "d_b": -200, "outcomes": outcomes})["choice"] == "refund"
    assert command("nash", {"d_c": 160, "d_b": -200, "outcomes": outcomes})["choice"] is None


# F. Final-offer arbitration


@pytest.mark.parametrize(("a", "award"), [(230_000, 180_000), (250_000, 300_000), (240_000, 240_000)])
def test_final_offer_awards_the_offer_closer_to_a(a: int, award: int) -> None:
    assert final_offer.final_offer(300_000, 180_000, [F(a)]).award == award
    assert command("final_offer", {"o_c": 300000, "o_b": 180000, "a": a})["award"] == award


def test_final_offer_variants_take_a_panel_median_and_clamp_to_high_low() -> None:
    assert command("final_offer", {"o_c": 300000, "o_b": 180000, "a": [200000, 260000, 250000]})["award"] == 300000
    clamped = command("final_offer", {"o_c": 300000, "o_b": 180000, "a": 290000, "high_low": [150000, 220000]})
    assert (clamped["award"], clamped["a"]) == (180000, 220000)


# The command's contract on bad input


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("blind_bidding", {"rounds": [], "a": 5000}),
        ("blind_bidding", {"rounds": [[1.5, 3]], "a": 5000}),
        ("blind_bidding", {"rounds": [[1, 3]], "a": 5000, "language": "ko"}),
        ("adjusted_winner", {"issues": [{"name": "refund", "c": 60, "b": 100}]}),
        ("nash", {"d_c": 0, "d_b": 0}),
        ("final_offer", {"o_c": 1, "o_b": 2, "a": 1}),
        ("smartsettle", {"s_b": 51, "s_c": 57, "v_b": 47, "v_c": 62, "expert": {"picks": [99]}}),
    ],
)
def test_bad_input_is_a_command_error_with_exit_code_2(name: str, payload: dict[str, Any]) -> None:
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("odr_algorithm", name, "--json", stdin=io.StringIO(json.dumps(payload)), stdout=out)
    assert raised.value.returncode == 2
    assert out.getvalue() == ""


def test_the_real_process_prints_nothing_on_bad_input_and_exits_2() -> None:
    run = [sys.executable, "manage.py", "odr_algorithm", "final_offer", "--json"]
    bad = subprocess.run(run, input="not json", capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert (bad.returncode, bad.stdout) == (2, "")
    assert "not JSON" in bad.stderr
    good = subprocess.run(run, input='{"o_c": 300000, "o_b": 180000, "a": 230000}', capture_output=True, text=True,
                          cwd=ROOT, timeout=60)  # fmt: skip
    assert good.returncode == 0
    assert json.loads(good.stdout)["award"] == 180000
