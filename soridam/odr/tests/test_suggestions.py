"""Suggestions on the dispute page (issue 18 §7): each side's Adjusted Winner points and Nash disagreement
value stay private; once both are in, both sides see the same suggestion as ``manage.py odr_algorithm``.

The pages are driven as the parties drive them (the customer's tracking link, the respondent signed in),
and everything each party can reach is walked as in ``test_isolation``.
"""

from __future__ import annotations

import io
import json
import re
from datetime import datetime
from fractions import Fraction
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client

from soridam.audit.actors import Actor
from soridam.odr import actions, suggestion_actions
from soridam.odr.actions import DisputeError
from soridam.odr.algorithms.jsonio import replay
from soridam.odr.models import Dispute, DisputeEvent, Role, SuggestionInput
from soridam.odr.suggestions import payload, replay_record
from soridam.odr.tests.test_isolation import _clients, _command, _open, _reachable

NOW = datetime.fromisoformat("2026-10-05T10:00:00+09:00")
# Marker values: six-digit amounts that appear nowhere else, and points no one else would pick.
D_C, D_B = 310_001, 770_003  # the Nash suggestion is their midpoint 540,002, neither of them
POINTS_C = {"refund": 47, "item": 23, "postage": 11, "voucher": 19}
POINTS_B = {"refund": 29, "item": 53, "postage": 3, "voucher": 15}
SECRET = {
    Role.CLAIMANT: ("310001", "310,001", "310_001"),
    Role.RESPONDENT: ("770003", "770,003", "770_003"),
}


def _negotiating() -> tuple[Dispute, dict[str, Client]]:
    dispute, ria, _nora = _open(NOW)
    clients = _clients(ria)
    clients[Role.RESPONDENT].post(
        _command(dispute, Role.RESPONDENT, "answer"), {"body": "answer", "visibility": "public"}
    )
    return Dispute.objects.get(pk=dispute.pk), clients


def _enter(dispute: Dispute, clients: dict[str, Client], role: str, points: dict[str, int], value: int) -> None:
    form = {f"points-{key}": str(n) for key, n in points.items()}
    clients[role].post(_command(dispute, role, "points"), form)
    clients[role].post(_command(dispute, role, "disagreement"), {"value": str(value)})


def _other(role: str) -> str:
    return Role.RESPONDENT if role == Role.CLAIMANT else Role.CLAIMANT


def _assert_private(dispute: Dispute, clients: dict[str, Client], own_points: dict[str, dict[str, int]]) -> None:
    for role, client in clients.items():
        reached = _reachable(dispute, role, client)
        for where, content in reached.items():
            for marker in SECRET[_other(role)]:
                assert marker not in content, f"{marker} reached the {role} through {where}"
            for key, n in own_points.get(_other(role), {}).items():
                assert f'name="points-{key}" min="0" max="100" required value="{n}"' not in content, where
                assert f'"{key}": {n}' not in content, where


@pytest.mark.django_db(transaction=True)
def test_inputs_never_reach_the_other_side() -> None:
    with time_machine.travel(NOW, tick=False) as clock:
        dispute, clients = _negotiating()
        _enter(dispute, clients, Role.CLAIMANT, POINTS_C, D_C)
        clock.shift(60)
        assert SuggestionInput.objects.filter(dispute=dispute, role=Role.CLAIMANT).count() == 2
        own_page = _reachable(dispute, Role.CLAIMANT, clients[Role.CLAIMANT])
        assert 'value="310001"' in next(iter(own_page.values()))  # the side sees its own input
        _assert_private(dispute, clients, {Role.CLAIMANT: POINTS_C})
        _enter(dispute, clients, Role.RESPONDENT, POINTS_B, D_B)
        clock.shift(60)
        assert DisputeEvent.objects.filter(dispute=dispute, kind="suggestion_made").count() == 2
        _assert_private(dispute, clients, {Role.CLAIMANT: POINTS_C, Role.RESPONDENT: POINTS_B})
        for role, client in clients.items():
            page = next(iter(_reachable(dispute, role, client).values()))
            assert "540,002" in page
            assert page.count('class="suggestion-label"') == 2  # each labelled: nobody is bound by it


def _odr_algorithm(name: str, data: dict[str, Any]) -> dict[str, Any]:
    out = io.StringIO()
    call_command("odr_algorithm", name, "--json", stdin=io.StringIO(json.dumps(data)), stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def _cells(page: str, issue: str) -> list[str]:
    row = re.search(rf'<tr data-issue="{issue}">(.*?)</tr>', page, re.S)
    assert row is not None, issue
    return re.findall(r"<td>(.*?)</td>", row.group(1), re.S)[1:]


@pytest.mark.django_db(transaction=True)
def test_both_pages_show_what_odr_algorithm_gives() -> None:
    with time_machine.travel(NOW, tick=False):
        dispute, clients = _negotiating()
        _enter(dispute, clients, Role.CLAIMANT, POINTS_C, 120_000)
        _enter(dispute, clients, Role.RESPONDENT, POINTS_B, 90_001)  # below the claimant's: no amount
        pages = {role: next(iter(_reachable(dispute, role, c).values())) for role, c in clients.items()}
    aw_input = {"issues": [{"name": k, "c": POINTS_C[k], "b": POINTS_B[k], "divisible": k != "item"} for k in POINTS_C]}
    expected = _odr_algorithm("adjusted_winner", aw_input)
    assert payload(dispute, SuggestionInput.POINTS) == aw_input
    event = DisputeEvent.objects.get(dispute=dispute, kind="suggestion_made", data__suggestion="points")
    assert event.data["version"] == expected["version"] == "adjusted-winner/1"
    assert event.data["output"] == expected
    assert replay(replay_record(dispute, event.data))  # the recorded suggestion replays from the frozen rows
    split = expected["split"]
    assert split is not None
    for page in pages.values():
        cards = re.findall(r'href="(/odr/algorithms/[a-z_]+/)"', page)
        assert cards == ["/odr/algorithms/adjusted_winner/", "/odr/algorithms/nash/"]
        assert all(Client().get(card).status_code == 200 for card in cards)
        assert "adjusted-winner/1" in page
        assert "nash/1" in page
        for name in expected["c"]:
            if isinstance(name, str):
                assert _cells(page, name) == ["100.00%", "0.00%"]
        for name in expected["b"]:
            if isinstance(name, str):
                assert _cells(page, name) == ["0.00%", "100.00%"]
        to_b = split["fraction_to_b"]
        exact_b = Fraction(to_b["exact"]) if isinstance(to_b, dict) else Fraction(to_b)
        assert f"{float(exact_b * 100):.2f}%" in _cells(page, split["issue"])[1]
        assert 'id="nash-result" data-amount=""' in page
    nash = _odr_algorithm("nash", {"d_c": 120_000, "d_b": 90_001, "interval": [90_001, 120_000]})
    assert nash["amount"] is None
    assert (
        DisputeEvent.objects.get(dispute=dispute, data__suggestion="disagreement", kind="suggestion_made").data[
            "output"
        ]
        == nash
    )


@pytest.mark.django_db
def test_points_must_add_up_and_inputs_freeze_once_both_are_in(filed: Dispute, ria: Any, run: Any) -> None:
    by_c, by_b = Actor(customer=filed.claimant), Actor(user=ria)
    with pytest.raises(DisputeError):  # not before negotiation
        run(suggestion_actions.enter_disagreement, filed, Role.CLAIMANT, 5, actor=by_c)
    run(actions.answer, filed, "answer", actor=by_b)
    with pytest.raises(DisputeError, match="exactly 100"):
        run(suggestion_actions.enter_points, filed, Role.CLAIMANT, {**POINTS_C, "refund": 48}, actor=by_c)
    run(suggestion_actions.enter_points, filed, Role.CLAIMANT, POINTS_C, actor=by_c)
    run(suggestion_actions.enter_points, filed, Role.CLAIMANT, POINTS_B, actor=by_c)  # a side may change its own
    assert SuggestionInput.objects.get(dispute=filed, role=Role.CLAIMANT).points == POINTS_B
    with pytest.raises(DisputeError):
        run(suggestion_actions.enter_points, filed, Role.NEUTRAL, POINTS_C, actor=by_c)
    run(suggestion_actions.enter_points, filed, Role.RESPONDENT, POINTS_C, actor=by_b)
    with pytest.raises(DisputeError, match="suggestion is made"):
        run(suggestion_actions.enter_points, filed, Role.RESPONDENT, POINTS_B, actor=by_b)
    made = DisputeEvent.objects.get(dispute=filed, kind="suggestion_made")
    assert made.role == Role.SYSTEM
    assert "input" not in made.data
    assert made.data["version"] == "adjusted-winner/1"
    entered = DisputeEvent.objects.filter(dispute=filed, kind="suggestion_input")
    assert [e.data for e in entered] == [{"suggestion": "points"}] * 3  # that an input exists, never what


def _one_side_entered(points: dict[str, int], value: int) -> dict[str, str]:
    with time_machine.travel(NOW, tick=False):
        dispute, clients = _negotiating()
        _enter(dispute, clients, Role.CLAIMANT, points, value)
        return _reachable(dispute, Role.RESPONDENT, clients[Role.RESPONDENT])


@pytest.mark.django_db(transaction=True)
def test_different_secret_inputs_give_the_other_side_identical_answers() -> None:
    call_command("flush", interactive=False, verbosity=0)  # ids from 1, as for the second run
    one = _one_side_entered(POINTS_C, D_C)
    mail.outbox.clear()
    call_command("flush", interactive=False, verbosity=0)
    two = _one_side_entered(POINTS_B, D_B)
    assert one.keys() == two.keys()
    assert len(one) > 4
    for where in one:
        assert one[where] == two[where], f"the respondent can tell the claimant's inputs apart through {where}"
    page = next(iter(one.values()))
    assert "points-form" in page  # the respondent's own (empty) form is there
