"""A Cafe24 Admin API order (``GET /api/v2/admin/orders{/order_id}?embed=items,buyer,receivers``) as one
``NormalisedOrder``.

Cafe24 keeps the status on each order item (``items[].order_status``), not on the order:
- N00 awaiting payment, N10 product being prepared, N20–N22 shipment being prepared / waiting / held,
  N30 in transit, N40 delivered, N50 purchase confirmed;
- C* cancellation (C11 refused: the item goes on), R* return (R13 refused), E* exchange (E13 refused),
  with 40 completing each claim.
The order's status is the one all its live items share: an order with some items cancelled and the rest
delivered is "delivered" (partially refunded when money went back); a claim in progress on any item wins,
since that is what the customer is writing about. Dates come in KST with their offset (``+09:00``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from soridam.orders.models import OrderStatus
from soridam.orders.providers import Buyer, Claim, NormalisedOrder, OrderLine, Shipment, parse_time

KST = ZoneInfo("Asia/Seoul")
REFUSED_CLAIMS = frozenset({"C11", "R13", "E13"})
_NORMAL = {
    "N00": OrderStatus.PENDING_PAYMENT,
    "N10": OrderStatus.PAID,
    "N20": OrderStatus.PREPARING,
    "N21": OrderStatus.PREPARING,
    "N22": OrderStatus.PREPARING,
    "N30": OrderStatus.SHIPPED,
    "N40": OrderStatus.DELIVERED,
    "N50": OrderStatus.DELIVERED,
}
# The furthest along an order's live items all are: the least advanced of them.
_PROGRESS = [
    OrderStatus.PENDING_PAYMENT,
    OrderStatus.PAID,
    OrderStatus.PREPARING,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
]
_CLAIM_KINDS = {"C": "cancel", "R": "return", "E": "exchange"}


def item_status(code: str) -> OrderStatus:
    """One item's Cafe24 ``order_status`` code in our words."""
    code = code.strip().upper()
    if code in _NORMAL:
        return _NORMAL[code]
    kind, done = code[:1], code[1:] >= "40"
    if kind == "C":
        return OrderStatus.CANCELLED
    if kind == "R":
        return OrderStatus.RETURNED if done else OrderStatus.RETURN_REQUESTED
    if kind == "E":
        return OrderStatus.EXCHANGED if done else OrderStatus.EXCHANGE_REQUESTED
    return OrderStatus.PAID


def order_status(codes: list[str], *, refunded: Decimal, cancelled: bool = False) -> OrderStatus:
    """The whole order's status from its items' codes (see the module's docstring)."""
    live_codes = [code for code in codes if code not in REFUSED_CLAIMS]
    statuses = [item_status(code) for code in live_codes]
    for pending in (OrderStatus.RETURN_REQUESTED, OrderStatus.EXCHANGE_REQUESTED):
        if pending in statuses:
            return pending
    if cancelled or (statuses and all(status == OrderStatus.CANCELLED for status in statuses)):
        return OrderStatus.REFUNDED if refunded > 0 and statuses else OrderStatus.CANCELLED
    if statuses and all(status == OrderStatus.RETURNED for status in statuses):
        return OrderStatus.RETURNED
    progressing = [status for status in statuses if status in _PROGRESS]
    if progressing and len(progressing) < len(statuses) and refunded > 0:
        return OrderStatus.PARTIALLY_REFUNDED
    if progressing:
        return min(progressing, key=_PROGRESS.index)
    if OrderStatus.EXCHANGED in statuses:
        return OrderStatus.EXCHANGED
    return OrderStatus.RETURNED if OrderStatus.RETURNED in statuses else OrderStatus.PAID


def normalise_order(payload: dict[str, Any]) -> NormalisedOrder:
    items = [item for item in payload.get("items") or [] if isinstance(item, dict)]
    lines = tuple(_line(item) for item in items)
    refunded = _refunded(items)
    codes = [str(item.get("order_status") or "") for item in items]
    amounts = payload.get("actual_order_amount") or {}
    total = _money(amounts.get("payment_amount") or payload.get("payment_amount")) or sum(
        (line.total for line in lines), Decimal(0)
    )
    paid = str(payload.get("paid") or "").upper() == "T"
    return NormalisedOrder(
        external_id=str(payload["order_id"]),
        number=str(payload["order_id"]),
        status=order_status(codes, refunded=refunded, cancelled=str(payload.get("canceled") or "") == "T"),
        currency=str(payload.get("currency") or "KRW")[:3],
        total=total,
        placed_at=_when(payload.get("order_date")) or datetime.now(KST),
        paid_total=total if paid else Decimal(0),
        refunded_total=refunded,
        payment_method=", ".join(_strings(payload.get("payment_method_name") or payload.get("payment_method"))),
        paid_at=_when(payload.get("payment_date")),
        delivered_at=_delivered_at(items),
        buyer=_buyer(payload),
        items=lines,
        shipments=_shipments(items),
        claims=_claims(items),
        raw=payload,
    )


def _line(item: dict[str, Any]) -> OrderLine:
    quantity = int(item.get("quantity") or 1)
    unit = (_money(item.get("product_price")) or Decimal(0)) + (_money(item.get("option_price")) or Decimal(0))
    return OrderLine(
        external_id=str(item.get("order_item_code") or item.get("item_no") or ""),
        name=str(item.get("product_name") or ""),
        quantity=quantity,
        unit_price=unit,
        total=unit * quantity,
        sku=str(item.get("variant_code") or item.get("product_code") or ""),
        option=str(item.get("option_value") or ""),
    )


def _refunded(items: list[dict[str, Any]]) -> Decimal:
    """What went back to the buyer: the lines whose cancellation or return is complete (C40, R40)."""
    done = [item for item in items if str(item.get("order_status") or "") in {"C40", "R40"}]
    return sum((_line(item).total for item in done), Decimal(0))


def _buyer(payload: dict[str, Any]) -> Buyer:
    buyer = payload.get("buyer") or {}
    member_id = str(payload.get("member_id") or buyer.get("member_id") or "")
    return Buyer(
        name=str(buyer.get("name") or payload.get("billing_name") or ""),
        email=str(buyer.get("email") or payload.get("member_email") or ""),
        phone=str(buyer.get("cellphone") or buyer.get("phone") or ""),
        shop_customer_id=member_id,
    )


def _shipments(items: list[dict[str, Any]]) -> tuple[Shipment, ...]:
    found: dict[tuple[str, str], Shipment] = {}
    for item in items:
        tracking = str(item.get("tracking_no") or "").strip()
        if not tracking:
            continue
        carrier = str(item.get("shipping_company_name") or "")
        found.setdefault(
            (carrier, tracking),
            Shipment(
                carrier=carrier,
                tracking_number=tracking,
                status=str(item.get("status_text") or item.get("order_status") or ""),
                shipped_at=_when(item.get("shipped_date")),
                delivered_at=_when(item.get("delivered_date")),
            ),
        )
    return tuple(found.values())


def _claims(items: list[dict[str, Any]]) -> tuple[Claim, ...]:
    found: dict[str, Claim] = {}
    for item in items:
        code = str(item.get("order_status") or "")
        claim_code = str(item.get("claim_code") or "")
        if code[:1] not in _CLAIM_KINDS or not claim_code:
            continue
        previous = found.get(claim_code)
        earlier = (previous.amount or Decimal(0)) if previous is not None else Decimal(0)
        amount = _line(item).total + earlier
        found[claim_code] = Claim(
            kind=_CLAIM_KINDS[code[:1]],
            status=code,
            external_id=claim_code,
            amount=amount,
            reason=str(item.get("claim_reason") or ""),
            created_at=_when(item.get("claim_request_date") or item.get("cancel_date")),
        )
    return tuple(found.values())


def _delivered_at(items: list[dict[str, Any]]) -> datetime | None:
    dates = [_when(item.get("delivered_date")) for item in items if item.get("delivered_date")]
    known = [date for date in dates if date is not None]
    return max(known) if known else None


def _when(value: object) -> datetime | None:
    """Cafe24's ISO 8601 time (``2026-12-01T10:12:00+09:00``); a time without an offset is KST."""
    return parse_time(value, naive_zone=KST)


def _money(value: object) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _strings(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(part) for part in value if part]
    return [str(value)] if value else []
