"""Carrying out an approved remedy, exactly once (R-POLICY-8).

Runs after the decision has committed, outside any lock the request holds: refunds and exchanges go through
the shop's order connector (``orders.providers.provider_for``) with the remedy's own idempotency key, so a
repeated call never refunds twice; the other kinds (and a refund on a case with no order) become a ledger
entry. Before calling out, a process claims the remedy with a conditional UPDATE; a second caller (the
repeated decision, the sweep) finds it claimed or done and leaves it. A claim left by a process that died
expires after ``CLAIM_LEASE``, and the sweep (``tasks.execute_stranded_remedies``) carries the remedy out.

Why inline after commit and not only a task: the API answers with the final state (``executed`` or
``failed``) as the issue's acceptance asks, and the shop's own idempotency key makes a repeat safe.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from soridam.cases import remedy_actions
from soridam.cases.models import Case
from soridam.orders.models import Order
from soridam.orders.providers import NormalisedOrder, OrderLine, ProviderError, provider_for
from soridam.policy.models import LedgerEntry, Remedy, RemedyKind, RemedyState

logger = logging.getLogger(__name__)
CLAIM_LEASE = timedelta(minutes=5)
EXECUTABLE = (RemedyState.APPROVED, RemedyState.FAILED)


def execute_if_approved(remedy: Remedy) -> Remedy:
    """Carry out ``remedy`` if it is approved and not yet carried out; answer it as it stands afterwards."""
    if remedy.state != RemedyState.APPROVED:
        return remedy
    return execute(remedy.pk)


def execute(remedy_id: int) -> Remedy:
    """Claim, carry out and record one remedy (approved, or failed and retried)."""
    if not claim(remedy_id):
        return Remedy.objects.get(pk=remedy_id)
    remedy = Remedy.objects.select_related("order__shop").get(pk=remedy_id)
    try:
        claim_id = carry_out(remedy)
    except ProviderError as error:
        logger.warning("remedy %s not carried out: %s", remedy_id, type(error).__name__)
        return _finish(remedy_id, error=str(error) or type(error).__name__)
    return _finish(remedy_id, claim_id=claim_id)


def claim(remedy_id: int) -> bool:
    now = timezone.now()
    free = Q(execution_started_at__isnull=True) | Q(execution_started_at__lt=now - CLAIM_LEASE)
    claimable = Remedy.objects.filter(free, pk=remedy_id, state__in=EXECUTABLE)
    return claimable.update(execution_started_at=now, attempts=F("attempts") + 1) == 1


def carry_out(remedy: Remedy) -> str:
    """The provider's claim id, or our ledger entry's."""
    order = remedy.order
    if order is not None and remedy.kind in (RemedyKind.FULL_REFUND, RemedyKind.PARTIAL_REFUND):
        provider = provider_for(order.shop)
        result = provider.refund(
            normalised(order), remedy.amount, reason=remedy.reason, idempotency_key=remedy.idempotency_key
        )
        return result.external_id
    if order is not None and remedy.kind == RemedyKind.EXCHANGE:
        lines = [str(line.get("external_id", "")) for line in order.items]
        result = provider_for(order.shop).request_exchange(
            normalised(order), lines, reason=remedy.reason, idempotency_key=remedy.idempotency_key
        )
        return result.external_id
    entry, _created = LedgerEntry.objects.get_or_create(
        remedy=remedy, defaults={"customer_id": remedy.customer_id, "kind": remedy.kind, "amount": remedy.amount}
    )
    return f"ledger:{entry.pk}"


def normalised(order: Order) -> NormalisedOrder:
    """The stored order in the connector's shape (what a refund or exchange call needs of it)."""
    return NormalisedOrder(
        external_id=order.external_id,
        number=order.number,
        status=order.status,
        currency=order.currency,
        total=order.total,
        placed_at=order.placed_at,
        paid_total=order.paid_total,
        refunded_total=order.refunded_total,
        payment_method=order.payment_method,
        paid_at=order.paid_at,
        delivered_at=order.delivered_at,
        items=tuple(_line(line) for line in order.items),
        raw=order.raw,
    )


def _line(line: dict[str, object]) -> OrderLine:
    return OrderLine(
        external_id=str(line.get("external_id", "")),
        name=str(line.get("name", "")),
        quantity=int(str(line.get("quantity", 1))),
        unit_price=Decimal(str(line.get("unit_price", 0))),
        total=Decimal(str(line.get("total", 0))),
        sku=str(line.get("sku", "")),
        option=str(line.get("option", "")),
    )


def _finish(remedy_id: int, *, claim_id: str = "", error: str = "") -> Remedy:
    with transaction.atomic():
        case_id = Remedy.objects.values_list("case_id", flat=True).get(pk=remedy_id)
        case = Case.objects.select_for_update().get(pk=case_id)
        remedy = Remedy.objects.select_for_update().get(pk=remedy_id)
        if error:
            return remedy_actions.record_failed(case, remedy, error=error)
        return remedy_actions.record_executed(case, remedy, claim_id=claim_id)


def retry(remedy: Remedy) -> Remedy:
    """A person asks to try a failed remedy again (same idempotency key: the shop refunds at most once)."""
    if remedy.state != RemedyState.FAILED:
        return remedy
    return execute(remedy.pk)


def stranded(now: datetime | None = None) -> list[int]:
    """Approved remedies nobody is carrying out: the process that approved them died before it could."""
    now = now or timezone.now()
    free = Q(execution_started_at__isnull=True) | Q(execution_started_at__lt=now - CLAIM_LEASE)
    waiting = Remedy.objects.filter(free, state=RemedyState.APPROVED, requested_at__lt=now - timedelta(minutes=1))
    return list(waiting.order_by("pk").values_list("pk", flat=True)[:100])
