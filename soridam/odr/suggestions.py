"""Suggestions on the dispute page (SPEC §3.4 D, E): Adjusted Winner over the dispute's issues and the Nash
money amount between the two disagreement values. A suggestion, never imposed: nobody is bound by it.

Each side's input is private (``SuggestionInput``); a side sees its own input and, once both sides have
entered theirs, the suggestion, never the other side's input. The payloads are the documented JSON shapes of
``algorithms.jsonio``, so the page shows exactly what ``manage.py odr_algorithm`` gives for the same input.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.utils.translation import gettext_lazy as _

from soridam.odr.algorithms.exact import AlgorithmInputError
from soridam.odr.algorithms.jsonio import run
from soridam.odr.models import Dispute, DisputeState, Role, SuggestionInput

OPEN_IN = frozenset({DisputeState.NEGOTIATION, DisputeState.MEDIATION})
PARTIES = (Role.CLAIMANT, Role.RESPONDENT)
# The issues every dispute can trade, and whether each can be split (a share of money can; an item cannot).
ISSUES: tuple[tuple[str, Any, bool], ...] = (
    ("refund", _("Refund amount"), True),
    ("item", _("Item kept or returned"), False),
    ("postage", _("Return postage"), True),
    ("voucher", _("Voucher"), True),
)
ALGORITHM = {SuggestionInput.POINTS: "adjusted_winner", SuggestionInput.DISAGREEMENT: "nash"}


def inputs_of(dispute: Dispute, kind: str) -> dict[str, SuggestionInput]:
    return {row.role: row for row in dispute.suggestion_inputs.filter(kind=kind)}


def payload(dispute: Dispute, kind: str) -> dict[str, Any] | None:
    """The algorithm's JSON input once both sides have entered theirs, else None."""
    rows = inputs_of(dispute, kind)
    if set(rows) != set(PARTIES):
        return None
    claimant, respondent = rows[Role.CLAIMANT], rows[Role.RESPONDENT]
    if kind == SuggestionInput.POINTS:
        issues = [
            {"name": key, "c": claimant.points[key], "b": respondent.points[key], "divisible": divisible}
            for key, _label, divisible in ISSUES
        ]
        return {"issues": issues}
    d_c, d_b = claimant.value, respondent.value
    if d_c is None or d_b is None:
        return None
    return {"d_c": d_c, "d_b": d_b, "interval": [min(d_c, d_b), max(d_c, d_b)]}


def compute(dispute: Dispute, kind: str) -> dict[str, Any] | None:
    """The replayable record ``{algorithm, version, input, output}``, or None while an input is missing."""
    data = payload(dispute, kind)
    if data is None:
        return None
    name = ALGORITHM[kind]
    output = run(name, data)
    return {"algorithm": name, "version": output["version"], "input": data, "output": output}


def replay_record(dispute: Dispute, event_data: dict[str, Any]) -> dict[str, Any]:
    """A ``suggestion_made`` event with its inputs put back from the frozen rows, for ``jsonio.replay``."""
    return {**event_data, "input": payload(dispute, event_data["suggestion"])}


def percent(value: Any) -> str:
    """An exact share (an integer or ``{"exact": "p/q"}``) as a percentage, with the exact fraction kept."""
    exact = Fraction(value["exact"]) if isinstance(value, dict) else Fraction(value)
    shown = f"{float(exact * 100):.2f}%"
    return shown if exact.denominator == 1 or (exact * 100).denominator == 1 else f"{shown} (= {exact})"


def krw(value: Any) -> str | None:
    """An exact amount in KRW for the page: whole won with separators, a fraction of a won as its decimal."""
    if value is None:
        return None
    exact = Fraction(value["exact"]) if isinstance(value, dict) else Fraction(value)
    return f"{exact.numerator:,}" if exact.denominator == 1 else f"{float(exact):,.2f} (= {exact})"


def _aw_rows(output: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    split: dict[str, Any] = output.get("split") or {}
    for key, label, divisible in ISSUES:
        if key in output["c"]:
            to_c: Any = 1
        elif key in output["b"]:
            to_c = 0
        else:  # the one split issue: its share to the respondent is in "split"
            to_c = {"exact": str(1 - Fraction(_exact(split["fraction_to_b"])))}
        rows.append(
            {
                "key": key,
                "label": label,
                "divisible": divisible,
                "claimant": percent(to_c),
                "respondent": percent({"exact": str(1 - Fraction(_exact(to_c)))}),
            }
        )
    return rows


def _exact(value: Any) -> str:
    return str(value["exact"]) if isinstance(value, dict) else str(value)


def for_side(dispute: Dispute, role: str) -> dict[str, Any]:
    """What one side sees: its own inputs, whether the other side has entered one, and the suggestions."""
    shown: dict[str, Any] = {"open": dispute.state in OPEN_IN and role in PARTIES, "issues": ISSUES}
    for kind in (SuggestionInput.POINTS, SuggestionInput.DISAGREEMENT):
        rows = inputs_of(dispute, kind)
        own = rows.get(role)
        others = [r for r in rows if r != role]
        shown[kind] = {"own": own, "other_entered": bool(others), "result": None}
        try:
            record = compute(dispute, kind) if role in PARTIES else None
        except AlgorithmInputError:
            record = None
        if record is not None:
            result: dict[str, Any] = {"version": record["version"], "output": record["output"]}
            if kind == SuggestionInput.POINTS:
                result["rows"] = _aw_rows(record["output"])
            else:
                result["amount"] = krw(record["output"]["amount"])
            shown[kind]["result"] = result
    return shown
