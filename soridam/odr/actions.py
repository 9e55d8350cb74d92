"""Every change to a dispute goes through here (SPEC §3.2), as ``cases.actions`` does for cases.

Each function changes the dispute's rows, writes one timeline event that is also an entry of the dispute's
hash-chained audit stream, and queues the notices (the outbox of a dispute) in one transaction. Callers
hold the dispute's row lock (``access_dispute_*(..., for_update=True)`` inside ``transaction.atomic()``).
Bidding and the final stage are in ``odr.bidding_actions`` and ``odr.decision_actions``; they call these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from soridam.accounts.models import User
from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.cases.models import Case
from soridam.cases.uploads import Upload
from soridam.lib.jobs import enqueue_job_on_commit
from soridam.odr import packs, states
from soridam.odr.access import RESPOND
from soridam.odr.alerts import alert_leads
from soridam.odr.models import (
    Dispute,
    DisputeEvent,
    DisputeState,
    Item,
    MerchantMember,
    MerchantPledge,
    Notice,
    Obligation,
    Offer,
    Role,
    Visibility,
)
from soridam.odr.visibility import visible_to
from soridam.orders.models import Order
from soridam.sla.schedules import default_schedule

DELIVERY_TASK = "soridam.odr.tasks.deliver_notice"  # named: tasks sit above this module


class DisputeError(ValueError):
    """A change the process does not allow now; the message is for the person who tried it."""


@dataclass(frozen=True)
class Filing:
    order_number: str
    issues: list[str]
    desired_outcome: str
    desired_amount: int | None = None
    evidence: list[Upload] = field(default_factory=list)
    pack_code: str = packs.DEFAULT


# ---- the chain: one event per change, notified to those who may see it


def record(
    dispute: Dispute,
    kind: str,
    *,
    actor: Actor,
    role: str,
    data: dict[str, Any] | None = None,
    visibility: str = Visibility.PUBLIC,
    notify: bool = True,
) -> DisputeEvent:
    """The event and its audit entry (same content); the notices go to every side that may see it."""
    data = data or {}
    entry = audit.record(actor, f"odr.{kind}", target=dispute, data={"role": role, "visibility": visibility, **data})
    event = DisputeEvent.objects.create(
        dispute=dispute,
        kind=kind,
        actor=actor.label(),
        role=role,
        visibility=visibility,
        data=data,
        created_at=entry.created_at,
        audit_hash=entry.entry_hash,
    )
    if notify:
        _queue_notices(dispute, event)
    return event


def _queue_notices(dispute: Dispute, event: DisputeEvent) -> None:
    """One notice per side that may see the event, all from this one event: both parties hear of a public
    item at the same moment. The body names the event only; the page shows the content to whoever may read it."""
    subject = f"[{dispute.case.reference}] dispute {dispute.pk}: {event.kind}"
    for role in (Role.CLAIMANT, Role.RESPONDENT, Role.NEUTRAL):
        if not visible_to(event, role) or role == event.role:
            continue
        for recipient in recipients(dispute, role):
            notice = Notice.objects.create(
                dispute=dispute, event=event, role=role, recipient=recipient, subject=subject, body=subject
            )
            enqueue_job_on_commit(DELIVERY_TASK, notice.pk)


def recipients(dispute: Dispute, role: str) -> list[str]:
    """Where a side's notices go: the customer's address, the shop's merchant users or the business's
    dispute staff, the neutral."""
    if role == Role.CLAIMANT:
        return [dispute.claimant.email] if dispute.claimant.email else []
    if role == Role.NEUTRAL:
        return [dispute.neutral.email] if dispute.neutral and dispute.neutral.email else []
    return sorted({user.email for user in respondents(dispute) if user.email})


def respondents(dispute: Dispute) -> list[User]:
    if dispute.shop_id is not None:
        rows = MerchantMember.objects.filter(shop_id=dispute.shop_id).select_related("user")
        members = [m.user for m in rows]
        if members:
            return members
    return [u for u in User.objects.filter(is_active=True) if u.has_perm(RESPOND)]


def has_pledge(shop_id: int | None) -> bool:
    """A shop's own pledge; a dispute without a shop (the business itself) looks at the business's pledge."""
    if shop_id is None:
        return MerchantPledge.objects.filter(shop__isnull=True).exists()
    return MerchantPledge.objects.filter(shop_id=shop_id).exists()


# ---- moves


def move(dispute: Dispute, state: str, reason: str, *, actor: Actor, role: str, now: datetime | None = None) -> None:
    """Change the state, start the new state's deadline (Korean business days) and record the move."""
    if not states.can_move(dispute.state, state):
        raise DisputeError(
            _("a dispute in %(state)s cannot move to %(next)s")
            % {"state": DisputeState(dispute.state).label, "next": DisputeState(state).label}
        )
    now = now or timezone.now()
    before = dispute.state
    dispute.state, dispute.state_since, dispute.outcome, dispute.escalated = state, now, reason, False
    dispute.deadline_at = None if states.is_terminal(state) else deadline(dispute, state, now)
    dispute.save(update_fields=["state", "state_since", "outcome", "escalated", "deadline_at"])
    data = {"from": before, "to": state, "reason": reason}
    if dispute.deadline_at:
        data["deadline"] = dispute.deadline_at.isoformat()
    record(dispute, "moved", actor=actor, role=role, data=data)


def deadline(dispute: Dispute, state: str, now: datetime, *, grace: bool = False) -> datetime:
    pack = packs.pack_version(dispute.pack_code, dispute.pack_version)
    if state == DisputeState.COMPLIANCE and not grace:
        due = dispute.obligations.filter(met_at__isnull=True).order_by("-due_at").values_list("due_at", flat=True)
        if due:
            return max(due[0], now)
    days = states.deadline_days(pack, state, extended=dispute.extended, grace=grace)
    return states.add_business_days(default_schedule(), now, days)


def file_dispute(case: Case, filing: Filing, *, actor: Actor, now: datetime | None = None) -> Dispute:
    """Open a dispute from a case (R-ODR-1): it goes straight to the respondent's answer, who is notified."""
    if filing.desired_outcome not in packs.current(filing.pack_code)["obligation_days"]:
        raise DisputeError(_("unknown outcome %(value)s") % {"value": filing.desired_outcome})
    if not [issue for issue in filing.issues if issue.strip()]:
        raise DisputeError(_("name at least one issue"))
    now = now or timezone.now()
    pack = packs.current(filing.pack_code)
    order_number = (filing.order_number or case.order_number)[:64]
    shop_id = _shop_of_order(order_number)
    dispute = Dispute.objects.create(
        case=case,
        claimant=case.customer,
        shop_id=shop_id,
        order_number=order_number,
        issues=[issue.strip()[:300] for issue in filing.issues if issue.strip()],
        desired_outcome=filing.desired_outcome,
        desired_amount=filing.desired_amount,
        pack_code=pack["code"],
        pack_version=pack["version"],
        state_since=now,
        created_at=now,
        pledged=has_pledge(shop_id),
    )
    dispute.deadline_at = deadline(dispute, DisputeState.FILING, now)
    dispute.save(update_fields=["deadline_at"])
    audit_data = {"issues": dispute.issues, "outcome": filing.desired_outcome, "amount": filing.desired_amount}
    record(dispute, "filed", actor=actor, role=Role.CLAIMANT, data=audit_data, notify=False)
    for upload in filing.evidence:  # checked by the form (cases.uploads rules)
        post_item(dispute, Role.CLAIMANT, "", actor=actor, kind=Item.EVIDENCE, upload=upload, now=now)
    move(dispute, DisputeState.ANSWER, "filed", actor=actor, role=Role.CLAIMANT, now=now)
    return dispute


def _shop_of_order(number: str) -> int | None:
    """The marketplace shop the order belongs to, when exactly one shop has an order with that number."""
    if not number:
        return None
    shops = list(Order.objects.filter(number=number).values_list("shop_id", flat=True).distinct()[:2])
    return shops[0] if len(shops) == 1 else None


def set_shop(dispute: Dispute, shop_id: int | None) -> None:
    """Name the shop a marketplace dispute is against (before anything else happens); pledge follows the shop."""
    dispute.shop_id = shop_id
    dispute.pledged = has_pledge(shop_id)
    dispute.save(update_fields=["shop", "pledged"])


def answer(dispute: Dispute, text: str, *, actor: Actor, now: datetime | None = None) -> None:
    """The respondent's answer opens negotiation."""
    _require(dispute, DisputeState.ANSWER)
    post_item(dispute, Role.RESPONDENT, text, actor=actor, now=now)
    move(dispute, DisputeState.NEGOTIATION, "answered", actor=actor, role=Role.RESPONDENT, now=now)


def ask_mediation(dispute: Dispute, role: str, *, actor: Actor) -> None:
    """Either side may ask; negotiation's expiry then leads to mediation instead of closing."""
    _require(dispute, DisputeState.ANSWER, DisputeState.NEGOTIATION)
    if role not in dispute.mediation_asked_by:
        dispute.mediation_asked_by = [*dispute.mediation_asked_by, role]
        dispute.save(update_fields=["mediation_asked_by"])
        record(dispute, "mediation_asked", actor=actor, role=role)


def start_mediation(dispute: Dispute, *, actor: Actor, role: str, now: datetime | None = None) -> None:
    """Both sides agree to mediate before negotiation's deadline (one asking is enough at expiry)."""
    _require(dispute, DisputeState.NEGOTIATION, DisputeState.ANSWER)
    if set(dispute.mediation_asked_by) != {Role.CLAIMANT, Role.RESPONDENT}:
        raise DisputeError(_("both sides must ask for mediation before its deadline; otherwise it starts at expiry"))
    move(dispute, DisputeState.MEDIATION, "both_asked", actor=actor, role=role, now=now)


def assign_neutral(dispute: Dispute, neutral: User, *, actor: Actor) -> None:
    """The appointed neutral (the neutrals app draws and appoints; this records it on the dispute)."""
    _require(dispute, DisputeState.MEDIATION)
    dispute.neutral = neutral
    dispute.save(update_fields=["neutral"])
    record(dispute, "neutral_appointed", actor=actor, role=Role.SYSTEM, data={"neutral": neutral.pk})


def extend_mediation(dispute: Dispute, role: str, *, actor: Actor) -> None:
    """+30 days once, when both sides agree: the second agreement extends the running deadline."""
    _require(dispute, DisputeState.MEDIATION)
    if dispute.extended:
        raise DisputeError(_("mediation was already extended"))
    event = DisputeEvent.objects.filter(dispute=dispute, kind="extension_asked", data__role=role)
    record(dispute, "extension_asked", actor=actor, role=role, data={"role": role})
    other = Role.RESPONDENT if role == Role.CLAIMANT else Role.CLAIMANT
    if not event.exists() and DisputeEvent.objects.filter(dispute=dispute, kind="extension_asked", data__role=other):
        pack = packs.pack_version(dispute.pack_code, dispute.pack_version)
        days = pack["deadlines"][DisputeState.MEDIATION].get("extension_days", 0)
        dispute.extended = True
        dispute.deadline_at = states.add_business_days(default_schedule(), dispute.deadline_at or timezone.now(), days)
        dispute.save(update_fields=["extended", "deadline_at"])
        record(
            dispute,
            "mediation_extended",
            actor=actor,
            role=Role.SYSTEM,
            data={"deadline": dispute.deadline_at.isoformat()},
        )


def withdraw(dispute: Dispute, *, actor: Actor, now: datetime | None = None) -> None:
    """Only the claimant withdraws their claim."""
    move(dispute, DisputeState.WITHDRAWN, "withdrawn", actor=actor, role=Role.CLAIMANT, now=now)


def refer(dispute: Dispute, route: str, *, actor: Actor, role: str, now: datetime | None = None) -> None:
    """Referral to a statutory body (KCA 1372, ECMC) ends the dispute here."""
    if route not in packs.current(dispute.pack_code)["statutory_routes"]:
        raise DisputeError(_("unknown route %(value)s") % {"value": route})
    move(dispute, DisputeState.REFERRED, f"referred_{route}", actor=actor, role=role, now=now)


def settle(
    dispute: Dispute,
    remedy: str,
    amount: int | None,
    reason: str,
    *,
    actor: Actor,
    role: str,
    now: datetime | None = None,
) -> Obligation:
    """A settlement becomes an obligation of the respondent, due per outcome (refund: 3 business days)."""
    now = now or timezone.now()
    pack = packs.pack_version(dispute.pack_code, dispute.pack_version)
    days = pack["obligation_days"].get(remedy, pack["obligation_days"]["other"])
    obligation = Obligation.objects.create(
        dispute=dispute,
        obligor_role=Role.RESPONDENT,
        remedy=remedy,
        amount=amount,
        due_at=states.add_business_days(default_schedule(), now, days),
    )
    record(
        dispute,
        "settled",
        actor=actor,
        role=role,
        data={"remedy": remedy, "amount": amount, "obligation": obligation.pk},
    )
    move(dispute, DisputeState.COMPLIANCE, reason, actor=actor, role=role, now=now)
    return obligation


def make_offer(dispute: Dispute, role: str, remedy: str, amount: int, perform_by: date, *, actor: Actor) -> Offer:
    """A structured offer (remedy, amount, date to perform), public to both sides."""
    _require(dispute, DisputeState.NEGOTIATION, DisputeState.MEDIATION, DisputeState.ARBITRATION)
    if remedy not in packs.pack_version(dispute.pack_code, dispute.pack_version)["obligation_days"]:
        raise DisputeError(_("unknown remedy %(value)s") % {"value": remedy})
    offer = Offer.objects.create(dispute=dispute, by_role=role, remedy=remedy, amount=amount, perform_by=perform_by)
    data = {"offer": offer.pk, "remedy": remedy, "amount": amount, "perform_by": perform_by.isoformat()}
    record(dispute, "offer_made", actor=actor, role=role, data=data)
    return offer


def answer_offer(offer: Offer, role: str, accept: bool, *, actor: Actor, now: datetime | None = None) -> None:
    """The other side accepts (a settlement on the offer's terms) or declines an open offer."""
    dispute = offer.dispute
    if offer.status != "open" or role == offer.by_role or role not in (Role.CLAIMANT, Role.RESPONDENT):
        raise DisputeError(_("this offer cannot be answered by you now"))
    offer.status = "accepted" if accept else "declined"
    offer.save(update_fields=["status"])
    record(dispute, f"offer_{offer.status}", actor=actor, role=role, data={"offer": offer.pk})
    if accept:
        settle(dispute, offer.remedy, offer.amount, "offer_accepted", actor=actor, role=role, now=now)


def obligation_met(
    obligation: Obligation, evidence: str, *, actor: Actor, role: str, now: datetime | None = None
) -> None:
    """Mark an obligation met with its evidence; the last one met ends the dispute settled."""
    dispute = obligation.dispute
    _require(dispute, DisputeState.COMPLIANCE)
    if obligation.met_at is not None:
        raise DisputeError(_("already met"))
    if not evidence.strip():
        raise DisputeError(_("say how it was met (a transfer id, a tracking number)"))
    obligation.met_at, obligation.evidence = now or timezone.now(), evidence.strip()[:2000]
    obligation.save(update_fields=["met_at", "evidence"])
    record(
        dispute,
        "obligation_met",
        actor=actor,
        role=role,
        data={"obligation": obligation.pk, "evidence": obligation.evidence},
    )
    if not dispute.obligations.filter(met_at__isnull=True).exists():
        move(dispute, DisputeState.SETTLED, "obligations_met", actor=actor, role=role, now=now)


# ---- messages and evidence (R-ODR-5)


def post_item(
    dispute: Dispute,
    role: str,
    body: str,
    *,
    actor: Actor,
    visibility: str = Visibility.PUBLIC,
    kind: str = Item.MESSAGE,
    upload: Upload | None = None,
    now: datetime | None = None,
) -> Item:
    """A message or evidence. A public item opens a comment window for the other side; an item sent after
    the window of the other side's last public item closed is marked late."""
    if states.is_terminal(dispute.state):
        raise DisputeError(_("the dispute has ended"))
    if (
        visibility in (Visibility.CAUCUS_CLAIMANT, Visibility.CAUCUS_RESPONDENT)
        and dispute.state != DisputeState.MEDIATION
    ):
        raise DisputeError(_("caucus messages exist only in mediation"))
    if (
        visibility == Visibility.CAUCUS_CLAIMANT
        and role == Role.RESPONDENT
        or visibility == Visibility.CAUCUS_RESPONDENT
        and role == Role.CLAIMANT
    ):
        raise DisputeError(_("a party writes only in its own caucus"))
    now = now or timezone.now()
    pack = packs.pack_version(dispute.pack_code, dispute.pack_version)
    answered = _last_public_from_other_side(dispute, role)
    item = Item(
        dispute=dispute, kind=kind, author_role=role, visibility=visibility, body=body.strip()[:20000], created_at=now
    )
    item.answers = answered
    item.late = bool(answered and answered.comment_due_at and now > answered.comment_due_at)
    if visibility == Visibility.PUBLIC and role in (Role.CLAIMANT, Role.RESPONDENT):
        item.comment_due_at = states.add_business_days(default_schedule(), now, int(pack["comment_days"]))
    if upload is not None:
        _attach(item, upload)
    item.save()
    data = {"item": item.pk, "kind": kind, "late": item.late}
    record(dispute, "item_posted", actor=actor, role=role, visibility=visibility, data=data)
    return item


def _last_public_from_other_side(dispute: Dispute, role: str) -> Item | None:
    if role not in (Role.CLAIMANT, Role.RESPONDENT):
        return None
    return (
        dispute.items.filter(visibility=Visibility.PUBLIC, comment_due_at__isnull=False)
        .exclude(author_role=role)
        .order_by("-id")
        .first()
    )


def _attach(item: Item, upload: Upload) -> None:
    item.filename, item.content_type, item.sha256 = upload.filename, upload.content_type, upload.sha256
    item.file.save(upload.filename, ContentFile(upload.content), save=False)


# ---- the scheduler's side


def expire(dispute: Dispute, *, now: datetime | None = None) -> bool:
    """Apply the expiry action of a state whose deadline passed (§3.2). Idempotent: a dispute whose
    deadline has not passed, or that has ended, is left alone. Returns whether anything changed."""
    now = now or timezone.now()
    if states.is_terminal(dispute.state) or dispute.deadline_at is None or dispute.deadline_at >= now:
        return False
    system = Actor(system="odr-deadlines")
    latest = dispute.decisions.filter(kind="recommendation").order_by("-id").first()
    answers = latest.answers if latest else {}
    facts = states.Facts(
        pledged=dispute.pledged,
        mediation_asked=bool(dispute.mediation_asked_by),
        escalated=dispute.escalated,
        answers=(answers.get(Role.CLAIMANT, ""), answers.get(Role.RESPONDENT, "")),
    )
    expiry = states.on_expiry(dispute.state, facts)
    if expiry.escalate:
        _escalate(dispute, system, now)
    elif expiry.state == DisputeState.COMPLIANCE:
        amount = latest.amount if latest and expiry.reason == "recommendation_accepted" else dispute.desired_amount
        remedy = latest.remedy if latest and expiry.reason == "recommendation_accepted" else dispute.desired_outcome
        settle(dispute, remedy, amount, expiry.reason, actor=system, role=Role.SYSTEM, now=now)
    else:
        move(dispute, expiry.state, expiry.reason, actor=system, role=Role.SYSTEM, now=now)
    return True


def _escalate(dispute: Dispute, actor: Actor, now: datetime) -> None:
    """Alert the leads and give one grace period; the next expiry closes the dispute unresolved."""
    dispute.escalated = True
    dispute.deadline_at = deadline(dispute, dispute.state, now, grace=True)
    dispute.save(update_fields=["escalated", "deadline_at"])
    overdue = list(dispute.obligations.filter(met_at__isnull=True, due_at__lte=now, escalated_at__isnull=True))
    Obligation.objects.filter(pk__in=[o.pk for o in overdue]).update(escalated_at=now)
    record(
        dispute,
        "escalated",
        actor=actor,
        role=Role.SYSTEM,
        data={"state": dispute.state, "obligations": [o.pk for o in overdue]},
    )
    alert_leads(dispute, actor)


def due_disputes(now: datetime, limit: int = 500) -> Iterable[int]:
    return Dispute.objects.filter(deadline_at__lt=now).order_by("deadline_at").values_list("pk", flat=True)[:limit]


def expire_one(dispute_id: int, now: datetime) -> bool:
    with transaction.atomic():
        dispute = Dispute.objects.select_for_update(of=("self",)).select_related("case", "claimant").get(pk=dispute_id)
        return expire(dispute, now=now)


def _require(dispute: Dispute, *allowed: str) -> None:
    if dispute.state not in allowed:
        raise DisputeError(
            _("not possible while the dispute is in %(state)s") % {"state": DisputeState(dispute.state).label}
        )
