"""Naver Commerce product orders → one ``NormalisedOrder`` per order (R-CRM-4).

Naver's unit is the product order (상품주문: one product and option inside an order); the customer sees and
writes the order number (주문번호, ``orderId``). ``POST /v1/pay-order/seller/product-orders/query`` answers a
list of ``{"order": …, "productOrder": …, "delivery": …, "currentClaim": …, "completedClaims": […]}``;
we group them by ``order.orderId``. Field names and codes follow the "상품 주문 상세 내역 조회" schema.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from soridam.orders.models import OrderStatus
from soridam.orders.providers import Buyer, Claim, NormalisedOrder, OrderLine, Shipment, parse_time

# productOrderStatus → our status, before any open claim is looked at.
PRODUCT_ORDER_STATUS: dict[str, OrderStatus] = {
    "PAYMENT_WAITING": OrderStatus.PENDING_PAYMENT,
    "PAYED": OrderStatus.PAID,
    "DELIVERING": OrderStatus.SHIPPED,
    "DELIVERED": OrderStatus.DELIVERED,
    "PURCHASE_DECIDED": OrderStatus.DELIVERED,
    "EXCHANGED": OrderStatus.EXCHANGED,
    "CANCELED": OrderStatus.CANCELLED,
    "CANCELED_BY_NOPAYMENT": OrderStatus.CANCELLED,
    "RETURNED": OrderStatus.RETURNED,
}
# An open return or exchange claim (claimType, claimStatus) shows as "requested" until it is done or withdrawn.
OPEN_CLAIM_STATUSES = frozenset(
    {"RETURN_REQUEST", "EXCHANGE_REQUEST", "COLLECTING", "COLLECT_DONE", "EXCHANGE_REDELIVERING"}
)
REQUESTED_BY_CLAIM_TYPE: dict[str, OrderStatus] = {
    "RETURN": OrderStatus.RETURN_REQUESTED,
    "EXCHANGE": OrderStatus.EXCHANGE_REQUESTED,
}
CLAIM_KIND = {"CANCEL": "cancel", "ADMIN_CANCEL": "cancel", "RETURN": "return", "EXCHANGE": "exchange"}
CLAIM_REASON_FIELDS = ("claimRequestReason", "cancelReason", "returnReason", "exchangeReason")
ENDED = frozenset({OrderStatus.CANCELLED, OrderStatus.RETURNED, OrderStatus.EXCHANGED})
# The order's status is that of its least advanced live product order.
PROGRESS = (
    OrderStatus.PENDING_PAYMENT,
    OrderStatus.PAID,
    OrderStatus.PREPARING,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
)


def group_orders(entries: Iterable[Mapping[str, Any]]) -> list[NormalisedOrder]:
    """One normalised order per ``orderId``, in the order the ids first appear."""
    grouped: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for item in entries:
        grouped[str(item.get("order", {}).get("orderId", ""))].append(item)
    return [normalise(order_id, items) for order_id, items in grouped.items() if order_id]


def normalise(order_id: str, entries: list[Mapping[str, Any]]) -> NormalisedOrder:
    order = entries[0].get("order") or {}
    product_orders = [item.get("productOrder") or {} for item in entries]
    refunded = sum((_refunded(entry) for entry in entries), Decimal(0))
    total = sum((_money(po.get("totalPaymentAmount")) for po in product_orders), Decimal(0)) + _delivery_fees(
        product_orders
    )
    paid_at = _when(order.get("paymentDate"))
    return NormalisedOrder(
        external_id=order_id,
        number=order_id,
        status=order_status([product_order_status(entry) for entry in entries], refunded=refunded),
        currency="KRW",
        total=total,
        placed_at=_when(order.get("orderDate")) or _when(product_orders[0].get("placeOrderDate")) or _epoch(),
        paid_total=total if paid_at else Decimal(0),
        refunded_total=refunded,
        payment_method=str(order.get("paymentMeans") or ""),
        paid_at=paid_at,
        delivered_at=max(
            (when for when in (_when((entry.get("delivery") or {}).get("deliveredDate")) for entry in entries) if when),
            default=None,
        ),
        buyer=Buyer(
            name=str(order.get("ordererName") or ""),
            phone=str(order.get("ordererTel") or ""),
            shop_customer_id=str(order.get("ordererNo") or order.get("ordererId") or ""),
        ),
        items=tuple(_line(po) for po in product_orders),
        shipments=_shipments(entries),
        claims=tuple(claim for entry in entries for claim in _claims(entry)),
        raw={"productOrders": [dict(entry) for entry in entries]},
    )


def product_order_status(entry: Mapping[str, Any]) -> OrderStatus:
    """One product order's status: its ``productOrderStatus``, unless a return or exchange claim is open."""
    product_order = entry.get("productOrder", {})
    claim_type, claim_status = product_order.get("claimType"), product_order.get("claimStatus")
    if claim_status in OPEN_CLAIM_STATUSES and claim_type in REQUESTED_BY_CLAIM_TYPE:
        return REQUESTED_BY_CLAIM_TYPE[claim_type]
    status = PRODUCT_ORDER_STATUS.get(str(product_order.get("productOrderStatus")), OrderStatus.PAID)
    if status == OrderStatus.PAID and product_order.get("placeOrderStatus") == "OK":
        return OrderStatus.PREPARING  # 발주 확인: the seller has accepted it and is preparing it
    return status


def order_status(statuses: list[OrderStatus], *, refunded: Decimal) -> OrderStatus:
    """The order's status from its product orders' (tested as a table in tests/test_normalise.py)."""
    for requested in (OrderStatus.RETURN_REQUESTED, OrderStatus.EXCHANGE_REQUESTED):
        if requested in statuses:
            return requested
    live = [status for status in statuses if status not in ENDED]
    if not live:
        for ended in (OrderStatus.RETURNED, OrderStatus.EXCHANGED):
            if ended in statuses:
                return ended
        return OrderStatus.CANCELLED
    if refunded > 0:
        return OrderStatus.PARTIALLY_REFUNDED
    return min(live, key=PROGRESS.index)


def _line(product_order: Mapping[str, Any]) -> OrderLine:
    return OrderLine(
        external_id=str(product_order.get("productOrderId", "")),
        name=str(product_order.get("productName") or ""),
        quantity=int(product_order.get("quantity") or 0),
        unit_price=_money(product_order.get("unitPrice")) + _money(product_order.get("optionPrice")),
        total=_money(product_order.get("totalPaymentAmount")),
        sku=str(product_order.get("sellerProductCode") or product_order.get("optionManageCode") or ""),
        option=str(product_order.get("productOption") or ""),
    )


def _shipments(entries: list[Mapping[str, Any]]) -> tuple[Shipment, ...]:
    """One shipment per tracking number (a bundle shares one across its product orders)."""
    seen: dict[tuple[str, str], Shipment] = {}
    for entry in entries:
        delivery = entry.get("delivery") or {}
        number = str(delivery.get("trackingNumber") or "")
        if not number:
            continue
        carrier = str(delivery.get("deliveryCompany") or "")
        seen.setdefault(
            (carrier, number),
            Shipment(
                carrier=carrier,
                tracking_number=number,
                status=str(delivery.get("deliveryStatus") or ""),
                shipped_at=_when(delivery.get("sendDate")),
                delivered_at=_when(delivery.get("deliveredDate")),
            ),
        )
    return tuple(seen.values())


def _claims(entry: Mapping[str, Any]) -> list[Claim]:
    """The open claim (``currentClaim``, or the older top-level ``cancel``/``return``/``exchange``) and done ones."""
    product_order = entry.get("productOrder", {})
    current = entry.get("currentClaim") or {key: entry.get(key) for key in ("cancel", "return", "exchange")}
    found = [
        _claim(CLAIM_KIND[key.upper()], detail)
        for key, detail in current.items()
        if detail and key.upper() in CLAIM_KIND
    ]
    for done in entry.get("completedClaims") or []:
        kind = CLAIM_KIND.get(str(done.get("claimType")), "")
        if kind and done.get("claimId") not in {claim.external_id for claim in found}:
            found.append(_claim(kind, done))
    if not found and product_order.get("claimId") and product_order.get("claimType") in CLAIM_KIND:
        found.append(_claim(CLAIM_KIND[product_order["claimType"]], product_order))
    return found


def _claim(kind: str, detail: Mapping[str, Any]) -> Claim:
    reason = next((str(detail[field]) for field in CLAIM_REASON_FIELDS if detail.get(field)), "")
    return Claim(
        kind=kind,
        status=str(detail.get("claimStatus") or ""),
        external_id=str(detail.get("claimId") or ""),
        reason=reason,
        created_at=_when(detail.get("claimRequestDate")),
    )


def _refunded(entry: Mapping[str, Any]) -> Decimal:
    """What went back to the buyer for one product order: all of it once cancelled or returned, else what a
    partial-quantity claim took off (``initialPaymentAmount`` − ``remainPaymentAmount``)."""
    product_order = entry.get("productOrder", {})
    if PRODUCT_ORDER_STATUS.get(str(product_order.get("productOrderStatus"))) in {
        OrderStatus.CANCELLED,
        OrderStatus.RETURNED,
    }:
        return _money(product_order.get("totalPaymentAmount"))
    initial, remain = product_order.get("initialPaymentAmount"), product_order.get("remainPaymentAmount")
    if initial is None or remain is None:
        return Decimal(0)
    return max(Decimal(0), _money(initial) - _money(remain))


def _delivery_fees(product_orders: list[Mapping[str, Any]]) -> Decimal:
    """Naver repeats a bundle's delivery fee on each of its product orders: count it once per bundle."""
    fees: dict[str, Decimal] = {}
    for product_order in product_orders:
        bundle = str(product_order.get("packageNumber") or product_order.get("productOrderId"))
        fee = _money(product_order.get("deliveryFeeAmount")) - _money(product_order.get("deliveryDiscountAmount"))
        fees[bundle] = max(fees.get(bundle, Decimal(0)), fee)
    return sum(fees.values(), Decimal(0))


def _money(value: object) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


_when = parse_time  # Naver's times carry an offset (``2023-01-16T17:14:51.794+09:00``)


def _epoch() -> datetime:
    return datetime.fromisoformat("1970-01-01T00:00:00+00:00")
