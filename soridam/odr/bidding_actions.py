"""Blind bidding in negotiation (SPEC §3.4 A, B): the rule is shown and accepted first, then each side
commits (a SHA-256 computed in its browser), then reveals; only a matching reveal counts.

Until the commit deadline the server holds commitments only. A failed round records that it failed and
nothing else: no page, export or notice carries the amounts of a round that did not settle, and its
revealed amounts are erased when it closes. Callers hold the dispute's row lock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from fractions import Fraction

from django.utils import timezone
from django.utils.translation import gettext as _

from soridam.audit.actors import Actor
from soridam.odr import actions, packs
from soridam.odr.actions import DisputeError
from soridam.odr.algorithms import bidding
from soridam.odr.algorithms import commit as sealing
from soridam.odr.models import Bid, BiddingRound, Dispute, DisputeState, Role

PARTIES = (Role.CLAIMANT, Role.RESPONDENT)


def open_round(dispute: Dispute, *, actor: Actor, role: str, now: datetime | None = None) -> BiddingRound:
    """A new round under the pack's rule; bidding waits until both sides accepted the rule shown to them."""
    if dispute.state != DisputeState.NEGOTIATION:
        raise DisputeError(_("blind bidding happens in negotiation"))
    pack = packs.pack_version(dispute.pack_code, dispute.pack_version)["bidding"]
    rounds = dispute.rounds.order_by("-number")
    last = rounds.first()
    if last is not None and last.state in ("rules", "commit", "reveal"):
        raise DisputeError(_("a round is still open"))
    if last is not None and last.state == "settled":
        raise DisputeError(_("the bidding settled"))
    number = (last.number if last else 0) + 1
    if number > int(pack["rounds"]):
        raise DisputeError(_("no rounds left"))
    now = now or timezone.now()
    commit_due = now + timedelta(hours=int(pack["commit_hours"]))
    new = BiddingRound.objects.create(
        dispute=dispute,
        number=number,
        rule=pack["rule"],
        p=pack["p"],
        a=int(pack["a"]),
        commit_due_at=commit_due,
        reveal_due_at=commit_due + timedelta(hours=int(pack["reveal_hours"])),
        rule_accepted_by=list(last.rule_accepted_by) if last else [],
    )
    if set(new.rule_accepted_by) == set(PARTIES):
        new.state = "commit"
        new.save(update_fields=["state"])
    actions.record(dispute, "round_opened", actor=actor, role=role, data=_public(new))
    return new


def accept_rule(round: BiddingRound, role: str, *, actor: Actor) -> None:
    """The side saw the rule (and how a settlement reveals the other bid) and accepts it; recorded once."""
    if role not in PARTIES or role in round.rule_accepted_by:
        return
    round.rule_accepted_by = [*round.rule_accepted_by, role]
    if round.state == "rules" and set(round.rule_accepted_by) == set(PARTIES):
        round.state = "commit"
    round.save(update_fields=["rule_accepted_by", "state"])
    actions.record(
        round.dispute, "rule_accepted", actor=actor, role=role, data={"round": round.number, "rule": round.rule}
    )


def commit(round: BiddingRound, role: str, commitment: str, *, actor: Actor, now: datetime | None = None) -> Bid:
    """Store a side's commitment (64 hex digits); it may be replaced until the commit deadline."""
    now = now or timezone.now()
    if round.state != "commit" or now > round.commit_due_at:
        raise DisputeError(_("commitments are not accepted now"))
    commitment = commitment.strip().lower()
    if len(commitment) != 64 or any(c not in "0123456789abcdef" for c in commitment):
        raise DisputeError(_("a commitment is 64 hexadecimal digits"))
    bid, _created = Bid.objects.update_or_create(round=round, role=role, defaults={"commitment": commitment})
    # The commitment stays on the bid row: shown to the other side, it would tell two different bids apart.
    actions.record(round.dispute, "bid_committed", actor=actor, role=role, data={"round": round.number})
    _maybe_open_reveals(round, now)
    return bid


def commit_server_sealed(
    round: BiddingRound, role: str, amount: int, *, actor: Actor, now: datetime | None = None
) -> Bid:
    """The no-JavaScript path: the server computes the commitment, and so saw the amount (weaker protection).
    The amount is kept apart from the bid's revealed amount and used only to reveal it at the reveal step."""
    nonce = sealing.new_nonce()
    digest = sealing.commitment(round.dispute_id, round.number, role, amount, nonce)
    bid = commit(round, role, digest, actor=actor, now=now)
    bid.server_sealed, bid.sealed_amount, bid.nonce_hex = True, amount, nonce
    bid.save(update_fields=["server_sealed", "sealed_amount", "nonce_hex"])
    return bid


def _maybe_open_reveals(round: BiddingRound, now: datetime) -> None:
    if round.bids.count() == len(PARTIES):
        round.state = "reveal"
        round.save(update_fields=["state"])


def reveal(
    round: BiddingRound, role: str, amount: int, nonce_hex: str, *, actor: Actor, now: datetime | None = None
) -> None:
    """A reveal that hashes to the side's commitment is stored; any other is refused, and may be retried
    until the reveal deadline."""
    now = now or timezone.now()
    if round.state != "reveal" or now > round.reveal_due_at:
        raise DisputeError(_("reveals are not accepted now"))
    bid = round.bids.filter(role=role).first()
    if bid is None:
        raise DisputeError(_("no commitment to reveal"))
    nonce_hex = nonce_hex.strip().lower()
    if amount < 0 or not sealing.verify_reveal(bid.commitment, round.dispute_id, round.number, role, amount, nonce_hex):
        raise DisputeError(
            _("this amount and nonce do not match your commitment; check them and try again before the deadline")
        )
    bid.amount, bid.nonce_hex, bid.revealed_at = amount, nonce_hex, now
    bid.save(update_fields=["amount", "nonce_hex", "revealed_at"])
    actions.record(round.dispute, "bid_revealed", actor=actor, role=role, data={"round": round.number}, notify=False)
    if round.bids.filter(revealed_at__isnull=False).count() == len(PARTIES):
        _close(round, actor=Actor(system="odr-bidding"), now=now)


def reveal_server_sealed(round: BiddingRound, role: str, *, actor: Actor, now: datetime | None = None) -> None:
    bid = round.bids.filter(role=role, server_sealed=True).first()
    if bid is None or bid.sealed_amount is None:
        raise DisputeError(_("no server-sealed bid"))
    reveal(round, role, bid.sealed_amount, bid.nonce_hex, actor=actor, now=now)


def _close(round: BiddingRound, *, actor: Actor, now: datetime) -> None:
    """Run the rule on the revealed pair. A failed round keeps nothing: its amounts are erased."""
    bids = {bid.role: bid for bid in round.bids.all()}
    offer, demand = bids[Role.RESPONDENT].amount, bids[Role.CLAIMANT].amount
    if offer is None or demand is None:  # both reveals are in before a round closes
        raise DisputeError(_("a bid is not revealed"))
    rules = bidding.BiddingRules(a=round.a, p=Fraction(round.p), rule=bidding.rule_named(round.rule))
    result = bidding.blind_bidding([(offer, demand)], rules)
    dispute = round.dispute
    if result.settled and result.amount is not None:
        exact = Fraction(result.amount)
        round.state, round.amount = "settled", f"{exact.numerator}/{exact.denominator}"
        round.save(update_fields=["state", "amount"])
        data = {"round": round.number, "amount": round.amount, "algorithm": bidding.VERSION}
        actions.record(dispute, "round_settled", actor=actor, role=Role.SYSTEM, data=data)
        amount = int(exact)  # KRW: a half won rounds down, in the payer's favour by at most 0.5
        actions.settle(dispute, "refund", amount, "bidding_settled", actor=actor, role=Role.SYSTEM, now=now)
        return
    _fail(round, "failed", actor=actor)


def _fail(round: BiddingRound, state: str, *, actor: Actor) -> None:
    round.bids.update(amount=None, nonce_hex="", sealed_amount=None)
    round.state = state
    round.save(update_fields=["state"])
    actions.record(round.dispute, f"round_{state}", actor=actor, role=Role.SYSTEM, data={"round": round.number})


def expire_round(round: BiddingRound, *, now: datetime) -> bool:
    """Deadlines of a round: a missing commitment or reveal voids it. Idempotent."""
    system = Actor(system="odr-deadlines")
    if round.state in ("rules", "commit") and now > round.commit_due_at:
        _fail(round, "void", actor=system)
        return True
    if round.state == "reveal" and now > round.reveal_due_at:
        _fail(round, "void", actor=system)
        return True
    return False


def _public(round: BiddingRound) -> dict[str, object]:
    return {
        "round": round.number,
        "rule": round.rule,
        "p": round.p,
        "a": round.a,
        "commit_due": round.commit_due_at.isoformat(),
        "reveal_due": round.reveal_due_at.isoformat(),
    }
