"""The final stage (SPEC §3.2, R-ODR-10, R-ODR-11): a reasoned non-binding recommendation, or arbitration
after both sides consented, once the dispute began, to the exact text shown (its SHA-256).

A decision needs the notices of the last public item delivered to both sides and that item's response
window used (the other side answered) or elapsed. Callers hold the dispute's row lock.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.odr import actions, packs
from soridam.odr.actions import DisputeError
from soridam.odr.models import Consent, Decision, Dispute, DisputeState, Item, NoticeState, Role, Visibility

ARBITRATION_FORMS = ("conventional", "final_offer")
PARTIES = (Role.CLAIMANT, Role.RESPONDENT)
FINAL_OFFER_VERSION = "final_offer/1"


def consent_text(dispute: Dispute, form: str) -> str:
    """The exact text a party is shown before consenting; its hash is what the consent stores."""
    return _(
        "I agree that dispute %(id)s, which arose on %(date)s, is decided by %(form)s arbitration. "
        "I give this consent after the dispute arose; any earlier clause does not bind me."
    ) % {"id": dispute.pk, "date": dispute.created_at.date().isoformat(), "form": form}


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def consent(
    dispute: Dispute, role: str, form: str, shown_sha256: str, *, actor: Actor, now: datetime | None = None
) -> Consent:
    """Record consent to the text shown. It must hash to the text of this dispute: a pre-dispute clause or
    any other text is refused."""
    now = now or timezone.now()
    if form not in ARBITRATION_FORMS or role not in PARTIES:
        raise DisputeError(_("unknown arbitration form or side"))
    if dispute.state != DisputeState.MEDIATION:
        raise DisputeError(_("arbitration is agreed during mediation"))
    if shown_sha256 != text_hash(consent_text(dispute, form)):
        raise DisputeError(_("the consent does not match the text shown for this dispute"))
    made = Consent.objects.create(dispute=dispute, role=role, form=form, text_sha256=shown_sha256, created_at=now)
    actions.record(
        dispute, "arbitration_consent", actor=actor, role=role, data={"form": form, "text_sha256": shown_sha256}
    )
    return made


def start_arbitration(dispute: Dispute, *, actor: Actor, now: datetime | None = None) -> str:
    """Both sides consented, after the dispute arose, to the same form."""
    forms = {
        form
        for form in ARBITRATION_FORMS
        if {c.role for c in dispute.consents.filter(form=form, created_at__gte=dispute.created_at)} == set(PARTIES)
    }
    if not forms:
        raise DisputeError(_("arbitration needs the consent of both sides"))
    form = sorted(forms)[0]
    actions.move(dispute, DisputeState.ARBITRATION, f"consented_{form}", actor=actor, role=Role.NEUTRAL, now=now)
    return form


def may_decide(dispute: Dispute, now: datetime) -> str:
    """Empty when a decision may be made, else why not (R-ODR-11): the last public item overall and each
    party's last public item reached the other side (delivered notices) and their windows were used or elapsed.
    A neutral's own note cannot cut a party's window short."""
    public = dispute.items.filter(visibility=Visibility.PUBLIC)
    last = public.order_by("-id").first()
    if last is None:
        return _("nothing was put to the parties")
    latest = [last] + [item for role in PARTIES if (item := public.filter(author_role=role).order_by("-id").first())]
    for item in latest:
        for role in PARTIES:
            notices = dispute.notices.filter(event__data__item=item.pk, role=role)
            if role != item.author_role and not notices.filter(state=NoticeState.DELIVERED).exists():
                return _("the notice to the %(side)s is not delivered") % {"side": Role(role).label}
        answered = dispute.items.filter(answers=item).exists()
        if item.comment_due_at and not answered and now <= item.comment_due_at:
            return _("the response window is still open")
    return ""


def decide(
    dispute: Dispute,
    kind: str,
    neutral: User,
    reasons: str,
    remedy: str,
    amount: int | None,
    *,
    algorithm_version: str = "",
    now: datetime | None = None,
) -> Decision:
    """A recommendation (in mediation) or an award (in arbitration), with its reasons and versions."""
    now = now or timezone.now()
    expected = DisputeState.MEDIATION if kind == "recommendation" else DisputeState.ARBITRATION
    if dispute.state != expected or dispute.neutral_id != neutral.pk:
        raise DisputeError(_("only the appointed neutral decides, at this stage"))
    if not reasons.strip():
        raise DisputeError(_("a decision gives its reasons"))
    blocked = may_decide(dispute, now)
    if blocked:
        raise DisputeError(blocked)
    if kind == "award" and dispute.outcome == "consented_final_offer":
        _check_final_offer(dispute, amount)
        algorithm_version = algorithm_version or FINAL_OFFER_VERSION
    evidence = list(dispute.items.filter(kind=Item.EVIDENCE, visibility=Visibility.PUBLIC).values_list("pk", flat=True))
    decision = Decision.objects.create(
        dispute=dispute,
        kind=kind,
        by=neutral,
        reasons=reasons.strip(),
        remedy=remedy,
        amount=amount,
        rule_version=packs.pack_version(dispute.pack_code, dispute.pack_version)["version"],
        algorithm_version=algorithm_version,
        evidence_ids=evidence,
        created_at=now,
    )
    data = {"decision": decision.pk, "kind": kind, "remedy": remedy, "amount": amount, "evidence": evidence}
    actor = Actor(user=neutral)
    actions.record(dispute, "decided", actor=actor, role=Role.NEUTRAL, data=data)
    if kind == "recommendation":
        actions.move(dispute, DisputeState.RECOMMENDATION, "recommended", actor=actor, role=Role.NEUTRAL, now=now)
    else:
        actions.settle(dispute, remedy, amount, "awarded", actor=actor, role=Role.NEUTRAL, now=now)
    return decision


def _check_final_offer(dispute: Dispute, amount: int | None) -> None:
    """Final-offer arbitration (§3.4 F): the award is one side's last offer, never a figure in between."""
    finals = set()
    for role in PARTIES:
        last = dispute.offers.filter(by_role=role).order_by("-id").first()
        if last is None:
            raise DisputeError(_("the %(side)s has made no final offer") % {"side": Role(role).label})
        finals.add(last.amount)
    if amount not in finals:
        raise DisputeError(_("a final-offer award is one of the two final offers"))


def answer_recommendation(
    dispute: Dispute, role: str, accept: bool, *, actor: Actor, now: datetime | None = None
) -> None:
    """Both acceptances settle on the recommendation; a rejection closes the dispute (statutory routes shown)."""
    if dispute.state != DisputeState.RECOMMENDATION or role not in PARTIES:
        raise DisputeError(_("no recommendation waits for your answer"))
    decision = dispute.decisions.filter(kind="recommendation").order_by("-id").first()
    if decision is None:
        raise DisputeError(_("no recommendation waits for your answer"))
    if role in decision.answers:
        raise DisputeError(_("you already answered"))
    decision.answers = {**decision.answers, role: "accept" if accept else "reject"}
    decision.save(update_fields=["answers"])
    actions.record(dispute, "recommendation_answered", actor=actor, role=role, data={"answer": decision.answers[role]})
    if not accept:
        actions.move(dispute, DisputeState.CLOSED, "recommendation_rejected", actor=actor, role=role, now=now)
    elif set(decision.answers) == set(PARTIES):
        actions.settle(
            dispute, decision.remedy, decision.amount, "recommendation_accepted", actor=actor, role=role, now=now
        )
