"""The buttons of a dispute page: each POSTed command checks its form, asks the side's permission and calls
odr's actions. Both parties get the same commands (R-ODR-6); the neutral gets the decision ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from soridam.audit.actors import Actor
from soridam.odr import actions, bidding_actions, decision_actions, suggestion_actions, suggestions
from soridam.odr.actions import DisputeError
from soridam.odr.forms import CommitForm, DecisionForm, ItemForm, MetForm, OfferForm, RevealForm, SealedBidForm
from soridam.odr.models import BiddingRound, Dispute, Item, Role

PARTIES = frozenset({Role.CLAIMANT, Role.RESPONDENT})


@dataclass(frozen=True)
class Call:
    dispute: Dispute
    role: str
    actor: Actor
    data: QueryDict
    files: MultiValueDict[str, Any]


def _form(form_class: type[forms.Form], call: Call) -> dict[str, Any]:
    form = form_class(call.data, call.files)
    if not form.is_valid():
        raise DisputeError("; ".join(str(e) for errors in form.errors.values() for e in errors))
    return form.cleaned_data


def _round(call: Call) -> BiddingRound:
    found = call.dispute.rounds.order_by("-number").first()
    if found is None:
        raise DisputeError(_("no bidding round"))
    return found


def post(call: Call) -> None:
    data = _form(ItemForm, call)
    upload = data.get("upload")
    kind = Item.EVIDENCE if upload else Item.MESSAGE
    actions.post_item(
        call.dispute, call.role, data["body"], actor=call.actor, visibility=data["visibility"], kind=kind, upload=upload
    )


def answer(call: Call) -> None:
    actions.answer(call.dispute, _form(ItemForm, call)["body"], actor=call.actor)


def offer(call: Call) -> None:
    data = _form(OfferForm, call)
    actions.make_offer(call.dispute, call.role, data["remedy"], data["amount"], data["perform_by"], actor=call.actor)


def answer_offer(call: Call) -> None:
    found = call.dispute.offers.filter(pk=call.data.get("offer") or 0).first()
    if found is None:
        raise DisputeError(_("no such offer"))
    actions.answer_offer(found, call.role, call.data.get("accept") == "1", actor=call.actor)


def commit(call: Call) -> None:
    bidding_actions.commit(_round(call), call.role, _form(CommitForm, call)["commitment"], actor=call.actor)


def reveal(call: Call) -> None:
    data = _form(RevealForm, call)
    bidding_actions.reveal(_round(call), call.role, data["amount"], data["nonce"], actor=call.actor)


def seal(call: Call) -> None:
    bidding_actions.commit_server_sealed(
        _round(call), call.role, _form(SealedBidForm, call)["amount"], actor=call.actor
    )


def _whole(raw: str | None, what: str) -> int:
    try:
        return int((raw or "").strip().replace(",", ""))
    except ValueError:
        raise DisputeError(_("%(field)s: give a whole number") % {"field": what}) from None


def points(call: Call) -> None:
    given = {key: _whole(call.data.get(f"points-{key}"), str(label)) for key, label, _d in suggestions.ISSUES}
    suggestion_actions.enter_points(call.dispute, call.role, given, actor=call.actor)


def disagreement(call: Call) -> None:
    value = _whole(call.data.get("value"), "value")
    suggestion_actions.enter_disagreement(call.dispute, call.role, value, actor=call.actor)


def recommend(call: Call) -> None:
    if call.actor.user is None:
        raise DisputeError(_("only the neutral decides"))
    data = _form(DecisionForm, call)
    kind = "recommendation" if call.dispute.state == "mediation" else "award"
    decision_actions.decide(call.dispute, kind, call.actor.user, data["reasons"], data["remedy"], data["amount"])


def met(call: Call) -> None:
    data = _form(MetForm, call)
    found = call.dispute.obligations.filter(pk=data["obligation"]).first()
    if found is None:
        raise DisputeError(_("no such obligation"))
    actions.obligation_met(found, data["evidence"], actor=call.actor, role=call.role)


def _ignore(_result: object) -> None:
    """A command's page shows the dispute again; the action's return value is not needed."""


PARTY_COMMANDS: dict[str, Callable[[Call], None]] = {
    "post": post,
    "answer": answer,
    "offer": offer,
    "answer_offer": answer_offer,
    "open_round": lambda c: _ignore(bidding_actions.open_round(c.dispute, actor=c.actor, role=c.role)),
    "accept_rule": lambda c: bidding_actions.accept_rule(_round(c), c.role, actor=c.actor),
    "commit": commit,
    "reveal": reveal,
    "seal": seal,
    "reveal_sealed": lambda c: bidding_actions.reveal_server_sealed(_round(c), c.role, actor=c.actor),
    "ask_mediation": lambda c: actions.ask_mediation(c.dispute, c.role, actor=c.actor),
    "start_mediation": lambda c: actions.start_mediation(c.dispute, actor=c.actor, role=c.role),
    "extend": lambda c: actions.extend_mediation(c.dispute, c.role, actor=c.actor),
    "accept_recommendation": lambda c: decision_actions.answer_recommendation(c.dispute, c.role, True, actor=c.actor),
    "reject_recommendation": lambda c: decision_actions.answer_recommendation(c.dispute, c.role, False, actor=c.actor),
    "consent": lambda c: _ignore(
        decision_actions.consent(
            c.dispute, c.role, c.data.get("form", ""), c.data.get("text_sha256", ""), actor=c.actor
        )
    ),
    "refer": lambda c: actions.refer(c.dispute, c.data.get("route", ""), actor=c.actor, role=c.role),
    "met": met,
    "points": points,
    "disagreement": disagreement,
}
CLAIMANT_ONLY = {"withdraw": lambda c: actions.withdraw(c.dispute, actor=c.actor)}
NEUTRAL_COMMANDS: dict[str, Callable[[Call], None]] = {
    "post": post,
    "recommend": recommend,
    "start_arbitration": lambda c: _ignore(decision_actions.start_arbitration(c.dispute, actor=c.actor)),
}


def perform(name: str, call: Call) -> None:
    """Run a command for the caller's side, or DisputeError when the side has no such command."""
    if call.role == Role.NEUTRAL:
        table = NEUTRAL_COMMANDS
    else:
        table = {**PARTY_COMMANDS, **(CLAIMANT_ONLY if call.role == Role.CLAIMANT else {})}
    if name not in table:
        raise DisputeError(_("not available to you"))
    if name == "answer" and call.role != Role.RESPONDENT:
        raise DisputeError(_("only the respondent answers"))
    table[name](call)
