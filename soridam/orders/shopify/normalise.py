"""A Shopify ``Order`` (the ``OrderFields`` fragment in ``queries.py``) → ``NormalisedOrder`` (R-CRM-4).

Status comes from ``cancelledAt``, ``displayFinancialStatus`` (PENDING, AUTHORIZED, PARTIALLY_PAID, PAID,
PARTIALLY_REFUNDED, REFUNDED, VOIDED, EXPIRED), ``returnStatus`` (NO_RETURN, RETURN_REQUESTED, IN_PROGRESS,
RETURNED, INSPECTION_COMPLETE, RETURN_FAILED) and ``displayFulfillmentStatus``; the table is in
``order_status`` and tested in tests/test_normalise.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from soridam.orders.models import OrderStatus
from soridam.orders.providers import Buyer, Claim, NormalisedOrder, OrderLine, Shipment, parse_time

FINANCIAL_STATUS: dict[str, OrderStatus] = {
    "PENDING": OrderStatus.PENDING_PAYMENT,
    "PARTIALLY_PAID": OrderStatus.PENDING_PAYMENT,
    "EXPIRED": OrderStatus.CANCELLED,
    "VOIDED": OrderStatus.CANCELLED,
    "REFUNDED": OrderStatus.REFUNDED,
    "PARTIALLY_REFUNDED": OrderStatus.PARTIALLY_REFUNDED,
}
FULFILLMENT_STATUS: dict[str, OrderStatus] = {
    "FULFILLED": OrderStatus.SHIPPED,
    "PARTIALLY_FULFILLED": OrderStatus.SHIPPED,
    "IN_PROGRESS": OrderStatus.PREPARING,
    "PENDING_FULFILLMENT": OrderStatus.PREPARING,
    "ON_HOLD": OrderStatus.PREPARING,
    "SCHEDULED": OrderStatus.PREPARING,
}
OPEN_RETURN = frozenset({"RETURN_REQUESTED", "IN_PROGRESS", "INSPECTION_COMPLETE"})
OPEN_RETURN_STATUSES = frozenset({"REQUESTED", "OPEN"})


def normalise(node: Mapping[str, Any]) -> NormalisedOrder:
    fulfillments = list(node.get("fulfillments") or [])
    customer = node.get("customer") or {}
    refunded = money(node.get("totalRefundedSet"))
    delivered = [_when(f.get("deliveredAt")) for f in fulfillments if f.get("displayStatus") == "DELIVERED"]
    return NormalisedOrder(
        external_id=str(node["id"]),
        number=str(node.get("name") or ""),
        status=order_status(node, exchange_open=_exchange_open(node)),
        currency=str(node.get("currencyCode") or "KRW"),
        total=money(node.get("totalPriceSet")),
        placed_at=_when(node.get("processedAt") or node.get("createdAt")) or datetime.fromtimestamp(0, tz=UTC),
        paid_total=money(node.get("totalReceivedSet")),
        refunded_total=refunded,
        payment_method=", ".join(node.get("paymentGatewayNames") or []),
        paid_at=_when(node.get("processedAt")) if money(node.get("totalReceivedSet")) > 0 else None,
        delivered_at=max((when for when in delivered if when), default=None),
        buyer=Buyer(
            name=str(customer.get("displayName") or ""),
            email=str(node.get("email") or customer.get("email") or ""),
            phone=str(node.get("phone") or customer.get("phone") or ""),
            shop_customer_id=str(customer.get("id") or ""),
        ),
        items=tuple(_line(item) for item in (node.get("lineItems") or {}).get("nodes", [])),
        shipments=tuple(shipment for fulfillment in fulfillments for shipment in _shipments(fulfillment)),
        claims=_claims(node),
        raw=dict(node),
    )


def order_status(node: Mapping[str, Any], *, exchange_open: bool = False) -> OrderStatus:
    """Cancelled first, then money (refunds, pending payment), then returns, then fulfilment."""
    if node.get("cancelledAt"):
        return OrderStatus.CANCELLED
    financial = FINANCIAL_STATUS.get(str(node.get("displayFinancialStatus")))
    if financial is not None and financial != OrderStatus.PARTIALLY_REFUNDED:
        return financial
    return_status = str(node.get("returnStatus") or "")
    if return_status in OPEN_RETURN:
        return OrderStatus.EXCHANGE_REQUESTED if exchange_open else OrderStatus.RETURN_REQUESTED
    if return_status == "RETURNED":
        return OrderStatus.RETURNED
    if financial == OrderStatus.PARTIALLY_REFUNDED:
        return financial
    fulfillment = FULFILLMENT_STATUS.get(str(node.get("displayFulfillmentStatus")), OrderStatus.PAID)
    fulfillments = list(node.get("fulfillments") or [])
    if (
        node.get("displayFulfillmentStatus") == "FULFILLED"
        and fulfillments
        and all(f.get("displayStatus") == "DELIVERED" for f in fulfillments)
    ):
        return OrderStatus.DELIVERED
    return fulfillment


def _exchange_open(node: Mapping[str, Any]) -> bool:
    return any(
        item.get("status") in OPEN_RETURN_STATUSES and (item.get("exchangeLineItems") or {}).get("nodes")
        for item in (node.get("returns") or {}).get("nodes", [])
    )


def _line(item: Mapping[str, Any]) -> OrderLine:
    return OrderLine(
        external_id=str(item.get("id", "")),
        name=str(item.get("name") or ""),
        quantity=int(item.get("quantity") or 0),
        unit_price=money(item.get("originalUnitPriceSet")),
        total=money(item.get("discountedTotalSet")),
        sku=str(item.get("sku") or ""),
        option=str(item.get("variantTitle") or ""),
    )


def _shipments(fulfillment: Mapping[str, Any]) -> list[Shipment]:
    return [
        Shipment(
            carrier=str(info.get("company") or ""),
            tracking_number=str(info.get("number") or ""),
            tracking_url=str(info.get("url") or ""),
            status=str(fulfillment.get("displayStatus") or fulfillment.get("status") or ""),
            shipped_at=_when(fulfillment.get("createdAt")),
            delivered_at=_when(fulfillment.get("deliveredAt")),
        )
        for info in fulfillment.get("trackingInfo") or []
        if info.get("number")
    ]


def _claims(node: Mapping[str, Any]) -> tuple[Claim, ...]:
    refunds = [
        Claim(
            kind="refund",
            status="done",
            external_id=str(refund.get("id", "")),
            amount=money(refund.get("totalRefundedSet")),
            reason=str(refund.get("note") or ""),
            created_at=_when(refund.get("createdAt")),
        )
        for refund in node.get("refunds") or []
    ]
    returns = [
        Claim(
            kind="exchange" if (item.get("exchangeLineItems") or {}).get("nodes") else "return",
            status=str(item.get("status") or ""),
            external_id=str(item.get("id", "")),
        )
        for item in (node.get("returns") or {}).get("nodes", [])
    ]
    return (*refunds, *returns)


def money(money_bag: object) -> Decimal:
    """A ``MoneyBag``'s shop-currency amount (Shopify's ``Decimal`` scalar is a string)."""
    if not isinstance(money_bag, Mapping):
        return Decimal(0)
    amount = (money_bag.get("shopMoney") or {}).get("amount")
    return Decimal(str(amount)) if amount not in (None, "") else Decimal(0)


_when = parse_time  # Shopify's ``DateTime`` is ISO 8601 in UTC (``2026-12-01T00:00:00Z``)
