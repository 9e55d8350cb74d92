"""The algorithm cards (SPEC §3.5): for each settlement algorithm its inputs, formula, what its result reveals,
its gaming risk and a worked example. The example is the §3.4 example run now through ``algorithms.jsonio``,
the code the disputes and ``manage.py odr_algorithm`` use, so a card can never show a stale or typed-in result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from soridam.odr.algorithms.jsonio import ALGORITHMS, run

Text = str | Promise


@dataclass(frozen=True)
class Card:
    name: str
    title: Promise
    summary: Promise
    inputs: tuple[Text, ...]
    formula: tuple[Text, ...]
    reveals: Promise
    gaming: Promise
    example: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return ALGORITHMS[self.name][0]


@dataclass(frozen=True)
class WorkedExample:
    input_json: str
    output_json: str
    output: dict[str, Any]


def worked_example(card: Card) -> WorkedExample:
    """Compute the card's example now, with the product's code."""
    output = run(card.name, card.example)
    return WorkedExample(
        json.dumps(card.example, indent=2, ensure_ascii=False), json.dumps(output, indent=2, ensure_ascii=False), output
    )


def midpoint_leak(card: Card, output: dict[str, Any]) -> dict[str, int] | None:
    """What the customer learns from a midpoint settlement in the example: O = 2S − D."""
    if card.name != "blind_bidding" or not output.get("settled") or card.example.get("rule") == "demand":
        return None
    offer, demand = card.example["rounds"][output["round"] - 1]
    amount = output["amount"]
    if not isinstance(amount, int) or offer >= demand:
        return None
    return {"amount": amount, "demand": demand, "offer": 2 * amount - demand}


CARDS: dict[str, Card] = {
    card.name: card
    for card in (
        Card(
            name="blind_bidding",
            title=_("Double-blind bidding"),
            summary=_(
                "Each round, the customer seals the least they accept and the business the most it pays. "
                "Neither sees the other's bid."
            ),
            inputs=(
                _("Rounds of (offer O, demand D), sealed by commit-reveal"),
                _("p: the band as a share of the demand (default 30%)"),
                _("A: the band in KRW"),
                _("The rule on overlap: midpoint or demand"),
            ),
            formula=(
                "O_r ≥ D_r → S = (O_r + D_r)/2  |  S = D_r",
                "D_r − O_r ≤ max(p·D_r, A) → S = (O_r + D_r)/2",
                _("Otherwise the next round; after the last round, no settlement and no bid is revealed."),
            ),
            reveals=_(
                "A settlement reveals the amount. Under the midpoint rule it also reveals the other bid: the "
                "customer learns O = 2S − D. A failed negotiation reveals nothing: no round, no amount, no bid."
            ),
            gaming=_(
                "A side that expects a midpoint may exaggerate its bid, and the band rewards a demand that looks "
                "reasonable. Commit-reveal stops anyone adjusting after seeing the other bid, and staff cannot peek."
            ),
            example={"rounds": [[40000, 100000], [50000, 80000], [52000, 70000]], "p": "3/10", "a": 5000},
        ),
        Card(
            name="smartsettle",
            title=_("Smartsettle-like negotiation"),
            summary=_(
                "Visible proposals plus secret bids. Overlapping secret bids settle, weighted towards the side that "
                "conceded less in the final round. Opt-in: a small-gap closer and an expert-neutral decision."
            ),
            inputs=(
                _("Visible proposals v_B, v_C"),
                _("Secret bids s_B (the most B pays) and s_C (the least C accepts), round by round"),
                _("Opt-in: secret extensions e_B, e_C; three neutrals' picks"),
            ),
            formula=(
                "s_B ≥ s_C → S = s_C + w·(s_B − s_C),  w = m_B/(m_B + m_C)",
                "g = s_C − s_B ≤ e_B + e_C → S = s_B + g·e_B/(e_B + e_C)",
                _(
                    "d = min(s_B − v_B, v_C − s_C); F = the median of the picks in [s_B − d, s_C + d]; S = F, or "
                    "F + ½·(s_fav − F) if F is worse for the favoured side"
                ),
            ),
            reveals=_(
                "A settlement reveals the amount and the method, not the secret bids, though both know the amount "
                "lies between them. Without settlement nothing secret is shown."
            ),
            gaming=_(
                "Holding back until the last round moves the weight in your favour, so large late concessions cost. "
                "The expert range depends on the visible proposals, so both sides' proposals shape what the "
                "neutrals may pick."
            ),
            example={"s_c": [56, 54], "s_b": [52, 58], "v_c": 62, "v_b": 47},
        ),
        Card(
            name="adjusted_winner",
            title=_("Adjusted Winner"),
            summary=_(
                "Each side spreads 100 points over the issues; each issue goes to the side that values it more, then "
                "issues move (at most one is split) until both hold equal points. A suggestion, never imposed."
            ),
            inputs=(_("The issues, each with both sides' points and whether it can be divided"),),
            formula=(
                _("1. Each issue goes to the side with more points (ties to the customer)."),
                _("2. The winner W is the side with the larger total."),
                _("3. Order W's issues by w/l ascending."),
                _("4. Move each wholly while U_W − w ≥ U_L + l, else move p = (U_W − U_L)/(w + l) and stop."),
            ),
            reveals=_("The result shows each side's points, so each learns how the other valued the issues."),
            gaming=_(
                "Not strategy-proof: a side that knows the other's points can shift its own to win more. A split "
                "indivisible issue becomes money or a lottery."
            ),
            example={
                "issues": [
                    {"name": "refund", "c": 50, "b": 40, "divisible": True},
                    {"name": "item", "c": 10, "b": 25, "divisible": False},
                    {"name": "review", "c": 5, "b": 20, "divisible": False},
                    {"name": "postage", "c": 15, "b": 5, "divisible": True},
                    {"name": "voucher", "c": 20, "b": 10, "divisible": True},
                ]
            },
        ),
        Card(
            name="nash",
            title=_("Nash bargaining"),
            summary=_(
                "Splits the zone between the sides' alternatives to agreement, not the opening demands. "
                "A suggestion, never imposed."
            ),
            inputs=(
                _("d_C, d_B: what each side gets without agreement (for example the expected net court result)"),
                _("The feasible outcomes: a money interval, a share of one issue, or a list"),
                _("α: the customer's weight (default ½)"),
            ),
            formula=("max (u_C − d_C)^α · (u_B − d_B)^(1−α),  u ≥ d", "x* = d_C + α·(d_B − d_C)"),
            reveals=_(
                "Whoever sees the inputs sees the disagreement values; shown alone, the amount still reveals "
                "d_C + α·(d_B − d_C)."
            ),
            gaming=_(
                "Each side gains by overstating its alternative (a higher d), so the values must come from evidence, "
                "such as the remedy table, not from the parties' claims."
            ),
            example={"d_c": 100, "d_b": 200, "interval": [0, 300]},
        ),
        Card(
            name="final_offer",
            title=_("Final-offer arbitration"),
            summary=_(
                "Each side makes a final offer; the arbitrator picks the one closer to the fair figure. Only after "
                "consent given once the dispute arose."
            ),
            inputs=(
                _("o_C ≥ o_B: the final offers"),
                _("a: the arbitrator's fair figure (or a panel's median)"),
                _(
                    "Variants: night baseball (a fixed before the offers are seen), "
                    "high–low (a clamped to agreed bounds)"
                ),
            ),
            formula=(_("award = the offer closer to a; a tie gives (o_C + o_B)/2"),),
            reveals=_("The award reveals on which side of the midpoint (o_C + o_B)/2 the figure a fell, not a itself."),
            gaming=_("An extreme offer loses to a moderate one, so both sides are pushed towards reasonable offers."),
            example={"o_c": 300000, "o_b": 180000, "a": 230000},
        ),
    )
}
