"""The Naver Commerce (SmartStore) connector (R-CRM-5).

Reading, from the "주문 조회" API group:
- ``GET /v1/pay-order/seller/product-orders/last-changed-statuses`` (``lastChangedFrom``/``lastChangedTo``,
  both inclusive, at most 24 hours apart; at most 300 per answer, then ``more.moreFrom``/``moreSequence``);
- ``GET /v1/pay-order/seller/orders/{orderId}/product-order-ids`` (an order's product orders);
- ``POST /v1/pay-order/seller/product-orders/query`` (details, at most 300 ids a call).
Refunds and exchanges go through the claim API (``claims.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from soridam.orders.naver import claims
from soridam.orders.naver.client import NaverClient, NotFound
from soridam.orders.naver.normalise import group_orders
from soridam.orders.providers import ClaimResult, NormalisedOrder, OrderProvider, register

CHANGES_PATH = "/v1/pay-order/seller/product-orders/last-changed-statuses"
DETAILS_PATH = "/v1/pay-order/seller/product-orders/query"
DETAILS_BATCH = 300  # the most product order ids one details call takes
KST = ZoneInfo("Asia/Seoul")


@register
class NaverCommerceProvider(OrderProvider):
    kind: ClassVar[str] = "naver"
    # The change feed refuses windows longer than 24 hours.
    max_window: ClassVar[timedelta] = timedelta(hours=24)

    @property
    def client(self) -> NaverClient:
        return NaverClient(self.shop)

    def fetch_order(self, number: str) -> NormalisedOrder | None:
        """The order with this 주문번호; a 상품주문번호 (what some customers copy) finds its order too."""
        number = _segment(number)
        if not number:
            return None
        ids = self._product_order_ids(number)
        if not ids:
            entries = self._details([number])
            order_ids = {str(entry.get("order", {}).get("orderId", "")) for entry in entries}
            if len(order_ids) != 1 or not (number := order_ids.pop()):
                return None
            ids = self._product_order_ids(number)
        orders = group_orders(self._details(ids))
        return orders[0] if orders else None

    def customer_orders(
        self, *, shop_customer_id: str = "", email: str = "", phone: str = "", since: datetime
    ) -> list[NormalisedOrder]:
        """Naver Commerce has no search by buyer: a shop's orders reach us through ``changed_orders`` (the
        sync stores them and links them to the customer), so there is nothing to ask here."""
        return []

    def changed_orders(self, since: datetime, until: datetime) -> Iterator[NormalisedOrder]:
        """Whole orders (every product order, changed or not) with a product order changed in ``[since, until)``."""
        if until - since > self.max_window:
            raise ValueError("Naver Commerce polls at most 24 hours at a time")
        order_ids = list(dict.fromkeys(change["orderId"] for change in self._changes(since, until)))
        product_order_ids = [poid for order_id in order_ids for poid in self._product_order_ids(order_id)]
        yield from group_orders(self._details(product_order_ids))

    def refund(self, order: NormalisedOrder, amount: Decimal, *, reason: str, idempotency_key: str) -> ClaimResult:
        return claims.refund(self, order, amount, reason=reason, idempotency_key=idempotency_key)

    def request_exchange(
        self, order: NormalisedOrder, lines: list[str], *, reason: str, idempotency_key: str
    ) -> ClaimResult:
        return claims.request_exchange(self, order, lines, reason=reason, idempotency_key=idempotency_key)

    def details(self, product_order_ids: list[str]) -> list[dict[str, Any]]:
        return self._details(product_order_ids)

    def _changes(self, since: datetime, until: datetime) -> Iterator[dict[str, Any]]:
        # lastChangedTo is inclusive; our window is half-open, so stop a millisecond before ``until``.
        query = {"lastChangedFrom": _kst(since), "lastChangedTo": _kst(until - timedelta(milliseconds=1))}
        while True:
            data = self.client.get(CHANGES_PATH, query) or {}
            yield from (change for change in data.get("lastChangeStatuses") or [] if change.get("orderId"))
            more = data.get("more") or {}
            if not more.get("moreFrom"):
                return
            query = {**query, "lastChangedFrom": more["moreFrom"], "moreSequence": str(more.get("moreSequence", ""))}

    def _product_order_ids(self, order_id: str) -> list[str]:
        try:
            data = self.client.get(f"/v1/pay-order/seller/orders/{_segment(order_id)}/product-order-ids")
        except NotFound:
            return []
        # The documented answer is ``data: [ids]``; some answers wrap it as ``data.productOrderIds``.
        ids = data.get("productOrderIds") if isinstance(data, dict) else data
        return [str(value) for value in ids or []]

    def _details(self, product_order_ids: list[str]) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = []
        for start in range(0, len(product_order_ids), DETAILS_BATCH):
            batch = product_order_ids[start : start + DETAILS_BATCH]
            try:
                data = self.client.post(DETAILS_PATH, {"productOrderIds": batch, "quantityClaimCompatibility": True})
            except NotFound:
                continue
            entries.extend(entry for entry in data or [] if isinstance(entry, dict))
        return entries


def _kst(moment: datetime) -> str:
    """Naver's date-time format, in Korean time: ``2022-04-11T15:21:44.000+09:00``."""
    local = moment.astimezone(KST)
    return f"{local:%Y-%m-%dT%H:%M:%S}.{local.microsecond // 1000:03d}+09:00"


def _segment(value: str) -> str:
    """An id as one URL path segment (a customer's text must not reach another endpoint)."""
    return "".join(char for char in value if char.isalnum())
