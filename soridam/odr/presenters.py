"""What one side of a dispute sees: every item, event, notice and export goes through ``visible_to``.

The page of a side depends only on what that side may know. Failed bidding rounds show their number and
that they failed; commitments and amounts of a round appear nowhere unless it settled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.odr import packs, states, suggestions
from soridam.odr.models import Dispute, DisputeEvent, DisputeState, Item, Role, Visibility
from soridam.odr.visibility import AUDIENCE_LABEL, visible_to

DEAD_ENDS = frozenset({DisputeState.CLOSED, DisputeState.FILING})
EVENT_LABELS: dict[str, Any] = {
    "filed": _("Dispute filed"),
    "moved": _("Stage changed"),
    "item_posted": _("Message or evidence"),
    "mediation_asked": _("Mediation asked for"),
    "neutral_appointed": _("Neutral appointed"),
    "extension_asked": _("Extension asked for"),
    "mediation_extended": _("Mediation extended"),
    "settled": _("Settlement"),
    "obligation_met": _("Obligation met"),
    "escalated": _("Escalated to a lead"),
    "offer_made": _("Offer made"),
    "offer_accepted": _("Offer accepted"),
    "offer_declined": _("Offer declined"),
    "round_opened": _("Bidding round opened"),
    "rule_accepted": _("Bidding rule accepted"),
    "bid_committed": _("Sealed bid received"),
    "round_settled": _("Bidding round settled"),
    "round_failed": _("Bidding round failed"),
    "round_void": _("Bidding round void"),
    "arbitration_consent": _("Consent to arbitration"),
    "decided": _("Decision"),
    "recommendation_answered": _("Answer to the recommendation"),
    "suggestion_input": _("Private input to a suggestion entered"),
    "suggestion_made": _("Suggestion made (nobody is bound by it)"),
}
# Event data a party may read; anything else in an event stays in the audit log.
_SHOWN_DATA = ("from", "to", "reason", "deadline", "round", "rule", "remedy", "amount", "perform_by", "answer", "late")


@dataclass(frozen=True)
class EventRow:
    kind: str
    label: Any
    role: str
    created_at: Any
    details: dict[str, Any]
    audience: Any


def items_for(dispute: Dispute, role: str) -> list[Item]:
    return [item for item in dispute.items.order_by("id") if visible_to(item, role)]


def events_for(dispute: Dispute, role: str) -> list[EventRow]:
    rows = []
    for event in dispute.events.order_by("id"):
        if visible_to(event, role):
            rows.append(_row(event))
    return rows


def _row(event: DisputeEvent) -> EventRow:
    details = {key: event.data[key] for key in _SHOWN_DATA if key in event.data}
    label = EVENT_LABELS.get(event.kind, event.kind)
    return EventRow(
        event.kind, label, event.role, event.created_at, details, AUDIENCE_LABEL[Visibility(event.visibility)]
    )


def rounds_for(dispute: Dispute, role: str) -> list[dict[str, Any]]:
    """Public facts of each round; the side's own bid status only (never the other side's, never amounts)."""
    shown = []
    for round in dispute.rounds.order_by("number"):
        own = round.bids.filter(role=role).first() if role in (Role.CLAIMANT, Role.RESPONDENT) else None
        shown.append(
            {
                "number": round.number,
                "state": round.state,
                "rule": round.rule,
                "p": round.p,
                "a": round.a,
                "commit_due_at": round.commit_due_at,
                "reveal_due_at": round.reveal_due_at,
                "amount": round.amount if round.state == "settled" else "",
                "rule_accepted": role in round.rule_accepted_by,
                "committed": own is not None,
                "server_sealed": bool(own and own.server_sealed),
                "revealed": bool(own and own.revealed_at),
            }
        )
    return shown


def routes_shown(dispute: Dispute | None) -> list[packs.StatutoryRoute]:
    """The statutory routes at filing and at every dead end (closed unsettled, an expiry, a refusal)."""
    if dispute is None or dispute.state in DEAD_ENDS or dispute.outcome in _DEAD_END_REASONS:
        return list(packs.STATUTORY_ROUTES.values())
    return []


_DEAD_END_REASONS = frozenset({"no_answer", "no_agreement", "mediation_ended", "recommendation_rejected"})


def dispute_context(dispute: Dispute, role: str) -> dict[str, Any]:
    return {
        "dispute": dispute,
        "role": role,
        "terminal": states.is_terminal(dispute.state),
        "items": [(item, AUDIENCE_LABEL[Visibility(item.visibility)]) for item in items_for(dispute, role)],
        "events": events_for(dispute, role),
        "rounds": rounds_for(dispute, role),
        "offers": list(dispute.offers.order_by("id")),
        "obligations": list(dispute.obligations.order_by("id")),
        "decisions": list(dispute.decisions.order_by("id")),
        "routes": routes_shown(dispute),
        "bidding": packs.pack_version(dispute.pack_code, dispute.pack_version)["bidding"],
        "pledged": dispute.pledged,
        "suggestions": suggestions.for_side(dispute, role),
        "now": timezone.now(),
    }
