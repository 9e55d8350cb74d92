"""Jurisdiction packs: the deadlines, expiry actions and tagged rules of the dispute process, as data.

A dispute stores the code and version of the pack it was opened under, so a later edit of a pack never
changes the deadlines of a running dispute. The KR pack holds SPEC §3.2's defaults. Days are Korean
business days on the SLA calendar; the bidding windows are clock hours (§3.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

KR: dict[str, Any] = {
    "code": "KR",
    "version": "KR-2026.1",
    "deadlines": {  # state → (business days, what happens when it passes)
        "filing": {"days": 1, "on_expiry": "open_answer"},
        "answer": {"days": 3, "on_expiry": "deemed_acceptance_if_pledged_else_mediation_if_asked_else_close"},
        "negotiation": {"days": 10, "on_expiry": "mediation_if_asked_else_close"},
        "mediation": {"days": 30, "extension_days": 30, "on_expiry": "close"},
        "recommendation": {"days": 15, "on_expiry": "silence_rejects_for_consumer_accepts_for_pledged_merchant"},
        "arbitration": {"days": 30, "on_expiry": "escalate_then_close"},
        "compliance": {"days": 3, "on_expiry": "escalate_then_close"},
    },
    "grace_days": 3,  # after an escalation (arbitration, compliance), before the dispute closes unresolved
    "objection_days": 2,
    "comment_days": 3,
    "bidding": {"commit_hours": 48, "reveal_hours": 24, "rounds": 3, "p": "3/10", "a": 5000, "rule": "midpoint"},
    "obligation_days": {"refund": 3, "replacement": 5, "repair": 10, "other": 5},
    "statutory_routes": ["kca", "ecmc"],
}

# Every version ever used stays here: a running dispute keeps the pack it was opened under.
PACKS: dict[tuple[str, str], dict[str, Any]] = {(KR["code"], KR["version"]): KR}
CURRENT: dict[str, str] = {"KR": KR["version"]}
DEFAULT = "KR"


@dataclass(frozen=True)
class TaggedRule:
    """A rule that treats the two sides differently; every one is listed on the consumer-protective page."""

    key: str
    text: Any  # a lazy translation


# R-ODR-6: every asymmetric rule of the process, and nothing else, is here.
CONSUMER_PROTECTIVE: tuple[TaggedRule, ...] = (
    TaggedRule(
        "answer_silence",
        _("A pledged merchant who does not answer within the deadline is deemed to accept the claim."),
    ),
    TaggedRule(
        "recommendation_silence",
        _("Silence on a recommendation counts as rejection by the consumer and as acceptance by a pledged merchant."),
    ),
    TaggedRule(
        "pre_dispute_clause",
        _("A pre-dispute arbitration clause never binds the consumer: arbitration needs consent given after filing."),
    ),
    TaggedRule(
        "statutory_routes",
        _("The consumer is shown the free statutory routes (KCA 1372, ECMC) at filing and at every dead end."),
    ),
)


@dataclass(frozen=True)
class StatutoryRoute:
    key: str
    name: Any
    explanation: Any
    contact: str


# SPEC §3.1, one line each: shown at filing and at every dead end (closed unsettled, expiry, refusal).
STATUTORY_ROUTES: dict[str, StatutoryRoute] = {
    "kca": StatutoryRoute(
        "kca",
        _("Korea Consumer Agency (1372 Consumer Counselling Centre)"),
        _(
            "Free. Investigates and recommends a settlement within 30 days; its mediation committee then decides, "
            "and an accepted mediation has the force of a court settlement."
        ),
        "tel:1372 · https://www.ccn.go.kr",
    ),
    "ecmc": StatutoryRoute(
        "ecmc",
        _("e-Document and e-Commerce Dispute Mediation Committee (ECMC)"),
        _(
            "Free, for online purchases. Recommends a settlement, then a panel drafts a proposal; an accepted "
            "proposal has the force of a court settlement."
        ),
        "https://www.ecmc.or.kr",
    ),
}


def current(code: str) -> dict[str, Any]:
    """The pack a new dispute is opened under."""
    if code not in CURRENT:
        raise ValueError(f"no jurisdiction pack {code!r}")
    return PACKS[(code, CURRENT[code])]


def pack_version(code: str, version: str) -> dict[str, Any]:
    """The pack a dispute was opened under; an unknown version is an error, never a silent fallback."""
    try:
        return PACKS[(code, version)]
    except KeyError:
        raise ValueError(f"no jurisdiction pack {code} {version}") from None
