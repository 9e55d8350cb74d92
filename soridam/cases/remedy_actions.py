"""Remedies on a case: offered, approved or rejected, carried out or failed (R-POLICY-1..5, R-POLICY-8).

Each step writes the ``policy.Remedy`` row, a timeline event and an audit entry in the caller's transaction.
A remedy above the actor's authority limit, or outside what the rules allow (an exception, unless the actor
is an admin), waits for an approver with its own deadline on the team's business calendar. Nothing here
calls a shop: ``policy.execution`` does that after the decision has committed, then records the outcome here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from soridam.accounts.models import User
from soridam.audit import audit
from soridam.audit.actors import SYSTEM, Actor
from soridam.cases import events
from soridam.cases.errors import InvalidChange
from soridam.cases.models import Case, EventKind
from soridam.notifications.models import NotificationKind
from soridam.notifications.outbox import notify_customer
from soridam.orders.models import Order
from soridam.policy import facts, limits, rules
from soridam.policy.models import CONNECTOR_KINDS, REFUND_KINDS, ExceptionReason, Remedy, RemedyKind, RemedyState
from soridam.sla.business_time import add_business_time
from soridam.sla.schedules import calendar_for_team, schedule_of

# "refund" names a full refund when it covers what is left of the order, else a partial one.
REFUND_ALIAS = "refund"
MAX_AMOUNT = Decimal("1000000000000")


@dataclass(frozen=True)
class RemedyRequest:
    kind: str
    amount: Decimal | None = None
    reason: str = ""  # why; for an exception, the justification
    exception_reason: str = ""  # an ExceptionReason, required when the rules do not allow the remedy


def request_remedy(case: Case, request: RemedyRequest, *, actor: User) -> Remedy:
    """Offer a remedy on ``case``: approved at once when within the rules and the actor's limit, else waiting
    for approval. The caller holds the case's row lock."""
    order = facts.case_order(case)
    kind = _kind(request.kind, request.amount, order)
    amount = _amount(kind, request.amount, order)
    left = refundable(order)
    if kind in REFUND_KINDS and left is not None and amount > left:
        message = _("That is more than is left to refund on the order (%(left)s KRW).") % {"left": f"{left:,.0f}"}
        raise InvalidChange(message, field="amount")
    evaluation, rule_set = rules.evaluate_case(case, order)
    within_rules = evaluation.allows(kind, amount)
    if not within_rules:
        _check_exception(request)
    needs_approval = not limits.within_limit(actor, kind, amount) or (not within_rules and not actor.is_admin_role)
    remedy = Remedy.objects.create(
        case=case,
        customer_id=case.customer_id,
        order=order,
        kind=kind,
        amount=amount,
        state=RemedyState.PENDING_APPROVAL if needs_approval else RemedyState.APPROVED,
        rule_set=rule_set,
        matched_rules=list(evaluation.matched_rules),
        within_rules=within_rules,
        reason=request.reason.strip(),
        exception_reason="" if within_rules else request.exception_reason,
        requested_by=actor,
        approval_due_at=approval_due(case) if needs_approval else None,
        idempotency_key=f"remedy-{uuid.uuid4().hex}",
    )
    _record(case, remedy, EventKind.REMEDY_REQUESTED, Actor(user=actor), reason=remedy.reason)
    if needs_approval:
        _record(case, remedy, EventKind.REMEDY_APPROVAL_REQUESTED, Actor(user=actor))
    return remedy


def _kind(kind: str, amount: Decimal | None, order: Order | None) -> str:
    if kind == REFUND_ALIAS:
        left = refundable(order)
        full = amount is None or (left is not None and amount >= left)
        return RemedyKind.FULL_REFUND if full else RemedyKind.PARTIAL_REFUND
    if kind not in RemedyKind.values:
        raise InvalidChange(_("There is no remedy %(kind)s.") % {"kind": kind}, field="kind")
    return kind


def refundable(order: Order | None) -> Decimal | None:
    return None if order is None else max(Decimal(0), order.total - order.refunded_total)


def _amount(kind: str, amount: Decimal | None, order: Order | None) -> Decimal:
    """The remedy's cost in KRW: as given, else (a full refund, an exchange, a repair) the order's value."""
    if kind == RemedyKind.APOLOGY:
        return Decimal(0)
    if amount is None and kind in (*CONNECTOR_KINDS, RemedyKind.REPAIR) and order is not None:
        amount = refundable(order) if kind in REFUND_KINDS else order.total
    if amount is None:
        raise InvalidChange(_("Give the amount in KRW."), field="amount")
    try:
        whole = Decimal(amount).quantize(Decimal(1))
    except InvalidOperation:
        raise InvalidChange(_("Give the amount in KRW."), field="amount") from None
    if whole < 0 or whole > MAX_AMOUNT:
        raise InvalidChange(_("Give the amount in KRW."), field="amount")
    return whole


def _check_exception(request: RemedyRequest) -> None:
    if request.exception_reason not in ExceptionReason.values:
        message = _("This is outside what the rules allow: choose an exception reason.")
        raise InvalidChange(message, field="exception_reason")
    if not request.reason.strip():
        raise InvalidChange(_("An exception needs a justification."), field="reason")


def approval_due(case: Case) -> datetime:
    """When an approval falls due: ``SORIDAM_APPROVAL_HOURS`` of the case team's business time from now."""
    schedule = schedule_of(calendar_for_team(case.team_id))
    return add_business_time(schedule, timezone.now(), timedelta(hours=settings.SORIDAM_APPROVAL_HOURS))


def decide_remedy(case: Case, remedy: Remedy, *, approve: bool, comment: str, actor: User) -> Remedy:
    """An approver approves or rejects a waiting remedy. A decision on a remedy already decided changes
    nothing and answers its state (a repeated POST). The caller holds the case's and the remedy's row locks.
    Raises ``PermissionDenied`` for the requester and for anyone whose limit does not cover the amount."""
    if not limits.may_approve(actor, remedy):
        raise PermissionDenied(_("You may not decide on this remedy."))
    if remedy.state != RemedyState.PENDING_APPROVAL:
        return remedy
    remedy.state = RemedyState.APPROVED if approve else RemedyState.REJECTED
    remedy.decided_by, remedy.decided_at, remedy.decision_comment = actor, timezone.now(), comment.strip()
    remedy.save(update_fields=["state", "decided_by", "decided_at", "decision_comment"])
    kind = EventKind.REMEDY_APPROVED if approve else EventKind.REMEDY_REJECTED
    _record(case, remedy, kind, Actor(user=actor), reason=remedy.decision_comment)
    return remedy


def record_executed(case: Case, remedy: Remedy, *, claim_id: str) -> Remedy:
    """The shop (or our ledger) carried the remedy out; the customer is told. Caller holds both row locks."""
    remedy.state, remedy.executed_at, remedy.claim_id, remedy.error = RemedyState.EXECUTED, timezone.now(), claim_id, ""
    remedy.execution_started_at = None
    remedy.save(update_fields=["state", "executed_at", "claim_id", "error", "execution_started_at"])
    _record(case, remedy, EventKind.REMEDY_EXECUTED, SYSTEM)
    notify_customer(case, NotificationKind.REMEDY_EXECUTED)
    return remedy


def record_failed(case: Case, remedy: Remedy, *, error: str) -> Remedy:
    """Approved, not carried out: the error stays on the remedy until a retry. Caller holds both row locks."""
    remedy.state, remedy.error, remedy.execution_started_at = RemedyState.FAILED, error[:2000], None
    remedy.save(update_fields=["state", "error", "execution_started_at"])
    _record(case, remedy, EventKind.REMEDY_FAILED, SYSTEM, reason=remedy.error[:500])
    return remedy


def record_escalated(case: Case, remedy: Remedy) -> None:
    """The approval is overdue: noted once on the timeline (the alerts go to the team's leads)."""
    remedy.escalated_at = timezone.now()
    remedy.save(update_fields=["escalated_at"])
    reason = _("The approval of %(remedy)s is overdue.") % {"remedy": remedy.get_kind_display()}
    events.record(case, EventKind.SLA_ESCALATED, actor=SYSTEM, reason=reason)
    audit.record_case(SYSTEM, "case.remedy_escalated", target=case, data={"remedy": remedy.pk})


def _record(case: Case, remedy: Remedy, kind: EventKind, actor: Actor, *, reason: str = "") -> None:
    label = f"{remedy.get_kind_display()} {remedy.amount:,.0f}"
    events.record(case, kind, actor=actor, after=label, reason=reason)
    data = {"remedy": remedy.pk, "kind": remedy.kind, "amount": str(remedy.amount), "state": remedy.state}
    audit.record_case(actor, f"case.{kind.value}", target=case, data=data)
