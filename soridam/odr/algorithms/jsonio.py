"""The JSON shapes of ``manage.py odr_algorithm NAME --json`` and of the cards' live examples.

``run(name, payload)`` validates one decoded JSON object, runs the algorithm and returns one JSON-ready dict
that always carries ``"algorithm"`` and ``"version"``. Numbers follow ``exact.dump``: integers stay integers,
anything else is ``{"exact": "p/q", "float": x}``. Unknown keys are refused, so nothing but the documented
inputs (never a language, region or channel) can reach an algorithm. ``replay(record)`` recomputes a logged
``{"algorithm", "version", "input", "output"}`` and says whether it still gives the same output.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

from soridam.odr.algorithms import adjusted_winner, bidding, final_offer, nash, smartsettle
from soridam.odr.algorithms.exact import AlgorithmInputError, as_fraction, as_money, dump

Json = dict[str, Any]


def _fields(payload: object, required: set[str], optional: set[str] = frozenset()) -> Mapping[str, Any]:  # type: ignore[assignment]
    if not isinstance(payload, dict):
        raise AlgorithmInputError("the input must be one JSON object")
    missing, unknown = required - payload.keys(), payload.keys() - required - optional
    if missing:
        raise AlgorithmInputError(f"missing field(s): {', '.join(sorted(missing))}")
    if unknown:
        raise AlgorithmInputError(f"unknown field(s): {', '.join(sorted(unknown))}")
    return payload


def _list(value: object, field: str) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise AlgorithmInputError(f"{field}: expected a non-empty list")
    return value


def _run_blind_bidding(payload: object) -> Json:
    data = _fields(payload, {"rounds", "a"}, {"p", "rule"})
    rules = bidding.BiddingRules(
        a=as_money(data["a"], "a"), p=as_fraction(data.get("p", "3/10"), "p"), rule=data.get("rule", "midpoint")
    )
    rounds: list[tuple[int, int] | None] = []
    for number, pair in enumerate(_list(data["rounds"], "rounds"), start=1):
        if pair is None:
            rounds.append(None)
            continue
        if not isinstance(pair, list) or len(pair) != 2:
            raise AlgorithmInputError(f"rounds[{number}]: expected [offer, demand] or null for a voided round")
        rounds.append((as_money(pair[0], f"rounds[{number}].offer"), as_money(pair[1], f"rounds[{number}].demand")))
    result = bidding.blind_bidding(rounds, rules)
    return {"settled": result.settled, "round": result.round, "amount": dump(result.amount)}


def _run_smartsettle(payload: object) -> Json:
    data = _fields(payload, {"s_b", "s_c"}, {"v_b", "v_c", "closer", "expert"})

    def history(field: str) -> tuple[Fraction, ...]:
        raw = data[field] if isinstance(data[field], list) else [data[field]]
        return tuple(as_fraction(value, f"{field}[{i}]") for i, value in enumerate(_list(raw, field)))

    def optional(field: str) -> Fraction | None:
        return None if data.get(field) is None else as_fraction(data[field], field)

    closer = None
    if data.get("closer") is not None:
        extensions = _fields(data["closer"], {"e_b", "e_c"})
        closer = smartsettle.Closer(as_fraction(extensions["e_b"], "e_b"), as_fraction(extensions["e_c"], "e_c"))
    picks = None
    if data.get("expert") is not None:
        expert = _fields(data["expert"], {"picks"})
        picks = tuple(as_fraction(pick, "expert.picks") for pick in _list(expert["picks"], "expert.picks"))
    problem = smartsettle.SmartsettleInput(
        history("s_b"), history("s_c"), optional("v_b"), optional("v_c"), closer, picks
    )
    result = smartsettle.smartsettle(problem)
    return {"settled": result.settled, "amount": dump(result.amount), "method": result.method}


def _issue(raw: object, index: int) -> adjusted_winner.Issue:
    data = _fields(raw, {"name", "c", "b"}, {"divisible"})
    if not isinstance(data["name"], str) or not data["name"]:
        raise AlgorithmInputError(f"issues[{index}].name: expected a non-empty string")
    divisible = data.get("divisible", True)
    if not isinstance(divisible, bool):
        raise AlgorithmInputError(f"issues[{index}].divisible: expected true or false")
    c, b = as_fraction(data["c"], f"issues[{index}].c"), as_fraction(data["b"], f"issues[{index}].b")
    return adjusted_winner.Issue(data["name"], c, b, divisible)


def _bundle(issues: list[adjusted_winner.Issue], shares: tuple[Fraction, ...]) -> list[Any]:
    """Whole issues by name; a split issue as {"issue", "share"} (the share this side holds)."""
    bundle: list[Any] = []
    for issue, share in zip(issues, shares, strict=True):
        if share == 1:
            bundle.append(issue.name)
        elif share:
            bundle.append({"issue": issue.name, "share": dump(share)})
    return bundle


def _run_adjusted_winner(payload: object) -> Json:
    data = _fields(payload, {"issues"})
    issues = [_issue(raw, i) for i, raw in enumerate(_list(data["issues"], "issues"))]
    result = adjusted_winner.adjusted_winner(issues)
    split = result.split
    return {
        "c": _bundle(issues, result.shares_to_c),
        "b": _bundle(issues, tuple(1 - share for share in result.shares_to_c)),
        "split": None
        if split is None
        else {"issue": split.issue, "fraction_to_b": dump(split.fraction_to_b), "divisible": split.divisible},
        "u_c": dump(result.u_c),
        "u_b": dump(result.u_b),
        "c_values_b_bundle": dump(result.c_values_b_bundle),
        "b_values_c_bundle": dump(result.b_values_c_bundle),
    }


def _pair(raw: object, field: str) -> tuple[Fraction, Fraction]:
    data = _fields(raw, {"u_c", "u_b"})
    return as_fraction(data["u_c"], f"{field}.u_c"), as_fraction(data["u_b"], f"{field}.u_b")


def _run_nash(payload: object) -> Json:
    data = _fields(payload, {"d_c", "d_b"}, {"alpha", "interval", "segment", "outcomes"})
    forms = [form for form in ("interval", "segment", "outcomes") if form in data]
    if len(forms) != 1:
        raise AlgorithmInputError("give exactly one of interval, segment or outcomes")
    d_c, d_b = as_fraction(data["d_c"], "d_c"), as_fraction(data["d_b"], "d_b")
    alpha = as_fraction(data.get("alpha", "1/2"), "alpha")
    if forms == ["interval"]:
        bounds = _list(data["interval"], "interval")
        if len(bounds) != 2:
            raise AlgorithmInputError("interval: expected [low, high]")
        low, high = as_fraction(bounds[0], "interval.low"), as_fraction(bounds[1], "interval.high")
        return {"amount": dump(nash.money(d_c, d_b, low, high, alpha))}
    if forms == ["segment"]:
        ends = _fields(data["segment"], {"from", "to"})
        found = nash.segment(_pair(ends["from"], "segment.from"), _pair(ends["to"], "segment.to"), d_c, d_b, alpha)
        if found is None:
            return {"share": None, "u_c": None, "u_b": None}
        return {"share": dump(found.share), "u_c": dump(found.u_c), "u_b": dump(found.u_b)}
    outcomes = []
    for i, raw in enumerate(_list(data["outcomes"], "outcomes")):
        fields = _fields(raw, {"name", "u_c", "u_b"})
        if not isinstance(fields["name"], str) or not fields["name"]:
            raise AlgorithmInputError(f"outcomes[{i}].name: expected a non-empty string")
        u_c, u_b = _pair({"u_c": fields["u_c"], "u_b": fields["u_b"]}, f"outcomes[{i}]")
        outcomes.append(nash.Outcome(fields["name"], u_c, u_b))
    chosen = nash.choose(outcomes, d_c, d_b, alpha)
    return {"choice": None if chosen is None else chosen.name}


def _run_final_offer(payload: object) -> Json:
    data = _fields(payload, {"o_c", "o_b", "a"}, {"night_baseball", "high_low"})
    raw_figures = data["a"] if isinstance(data["a"], list) else [data["a"]]
    figures = [as_fraction(value, "a") for value in _list(raw_figures, "a")]
    high_low = None
    if data.get("high_low") is not None:
        bounds = _list(data["high_low"], "high_low")
        if len(bounds) != 2:
            raise AlgorithmInputError("high_low: expected [low, high]")
        high_low = (as_money(bounds[0], "high_low.low"), as_money(bounds[1], "high_low.high"))
    night_baseball = data.get("night_baseball", False)
    if not isinstance(night_baseball, bool):
        raise AlgorithmInputError("night_baseball: expected true or false")
    result = final_offer.final_offer(
        as_money(data["o_c"], "o_c"), as_money(data["o_b"], "o_b"), figures, high_low=high_low
    )
    return {
        "award": dump(result.award),
        "winner": result.winner,
        "a": dump(result.figure),
        "night_baseball": night_baseball,
    }


ALGORITHMS: dict[str, tuple[str, Callable[[object], Json]]] = {
    "blind_bidding": (bidding.VERSION, _run_blind_bidding),
    "smartsettle": (smartsettle.VERSION, _run_smartsettle),
    "adjusted_winner": (adjusted_winner.VERSION, _run_adjusted_winner),
    "nash": (nash.VERSION, _run_nash),
    "final_offer": (final_offer.VERSION, _run_final_offer),
}


def run(name: str, payload: object) -> Json:
    """Run one algorithm on its JSON input; raises ``AlgorithmInputError`` on bad input."""
    if name not in ALGORITHMS:
        raise AlgorithmInputError(f"unknown algorithm {name!r}; one of {', '.join(ALGORITHMS)}")
    version, runner = ALGORITHMS[name]
    return {"algorithm": name, "version": version, **runner(payload)}


def replay(record: Mapping[str, Any]) -> bool:
    """Does a logged run still give its logged output? A record pinned to another version cannot be replayed
    by this code, which is an error rather than a silent "no"."""
    name = record.get("algorithm")
    if not isinstance(name, str) or name not in ALGORITHMS:
        raise AlgorithmInputError("replay: unknown algorithm")
    if record.get("version") != ALGORITHMS[name][0]:
        raise AlgorithmInputError(
            f"replay: this code runs {ALGORITHMS[name][0]}, the record pins {record.get('version')}"
        )
    return run(name, record.get("input")) == record.get("output")
