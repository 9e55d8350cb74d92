"""The facts a remedy is judged on, gathered in one place from the case, its customer, its order and the
customer's past remedies (R-POLICY-2). ``evaluation`` takes them as plain values."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from soridam.cases.models import Case
from soridam.orders.models import Order
from soridam.policy.evaluation import Facts
from soridam.policy.models import Remedy, RemedyState

RECENT_REMEDY_DAYS = 90


def case_order(case: Case) -> Order | None:
    """The order the case is about: the one linked to it most recently."""
    return (
        Order.objects.filter(case_links__case=case)
        .select_related("shop")
        .order_by("-case_links__linked_at", "-id")
        .first()
    )


def gather(case: Case, order: Order | None, now: datetime | None = None) -> Facts:
    now = now or timezone.now()
    return Facts(
        category=case.category.slug if case.category_id and case.category else "",
        days_since_delivery=_days_since(order.delivered_at, now) if order and order.delivered_at else None,
        order_value=order.total if order else None,
        items=_items(order),
        tier=case.customer.tier,
        remedies_last_90_days=recent_remedies(case.customer_id, now),
    )


def recent_remedies(customer_id: int, now: datetime) -> int:
    since = now - timedelta(days=RECENT_REMEDY_DAYS)
    granted = Remedy.objects.filter(customer_id=customer_id, requested_at__gte=since)
    return granted.exclude(state=RemedyState.REJECTED).count()


def _days_since(moment: datetime, now: datetime) -> int:
    return max(0, (now - moment).days)


def _items(order: Order | None) -> tuple[str, ...]:
    if order is None:
        return ()
    names: list[str] = []
    for line in order.items:
        names.extend(str(line.get(key, "")) for key in ("sku", "name") if line.get(key))
    return tuple(sorted(set(names)))
