"""The Cafe24 connector: the Admin API's orders, cancellations, returns and exchanges (R-CRM-4, R-CRM-5).

Every call carries ``Authorization: Bearer`` and the ``X-Cafe24-Api-Version`` the shop pins (Cafe24 answers
with that version's shapes). The token is refreshed shortly before it expires, and once more on a 401 (a
token revoked early); a second 401 means a person must connect the shop again (``ProviderAuthError``).

Cafe24 has no "refund an amount" call: money goes back by cancelling order lines (before they ship) or
returning them (after). A refund therefore names lines whose totals make up the amount exactly, and is
refused when none do.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from soridam.orders import http
from soridam.orders.cafe24 import claims, oauth
from soridam.orders.cafe24.normalise import KST, normalise_order
from soridam.orders.models import OrderStatus, Provider
from soridam.orders.providers import (
    ClaimResult,
    NormalisedOrder,
    OrderLine,
    OrderProvider,
    ProviderAuthError,
    ProviderRefused,
    register,
)

DEFAULT_API_VERSION = "2025-12-01"
EMBED = "items,buyer,receivers"
PAGE_SIZE = 500  # Cafe24 allows up to 1,000 orders a page
MAX_OFFSET = 15_000  # Cafe24's deepest offset; a busier window is split by the caller's shorter windows
NOT_SHIPPED = {OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, OrderStatus.PREPARING}


@register
class Cafe24Provider(OrderProvider):
    kind: ClassVar[str] = Provider.CAFE24
    max_window: ClassVar[timedelta] = timedelta(hours=24)

    def fetch_order(self, number: str) -> NormalisedOrder | None:
        try:
            answer = self.call("GET", f"/orders/{number.strip()}", {"embed": EMBED}, what="Cafe24 order")
        except http.Refused as refused:
            if refused.status in {400, 404, 422}:  # no such order (or not an order number at all)
                return None
            raise
        order = answer.get("order") if isinstance(answer, dict) else None
        return normalise_order(order) if isinstance(order, dict) else None

    def customer_orders(
        self, *, shop_customer_id: str = "", email: str = "", phone: str = "", since: datetime
    ) -> list[NormalisedOrder]:
        who = {"member_id": shop_customer_id or None, "buyer_email": email or None, "buyer_cellphone": phone or None}
        if not any(who.values()):
            return []
        query = {**who, **_period(since, datetime.now(KST)), "date_type": "order_date"}
        return list(self._pages(query))

    def changed_orders(self, since: datetime, until: datetime) -> Iterator[NormalisedOrder]:
        if until - since > self.max_window:
            raise ValueError("Cafe24 changes are polled in windows of at most 24 hours")
        return self._pages({**_period(since, until), "date_type": "updated_date"})

    def refund(self, order: NormalisedOrder, amount: Decimal, *, reason: str, idempotency_key: str) -> ClaimResult:
        lines = _lines_for_amount(order.items, amount)
        kind = "cancellation" if order.status in NOT_SHIPPED else "return"
        status = "canceled" if kind == "cancellation" else "returned"
        request = {
            "order_id": order.external_id,
            "status": status,
            "recover_inventory": "T",
            "reason": reason[:2000],
            "items": [{"order_item_code": line.external_id, "quantity": line.quantity} for line in lines],
        }
        return claims.once(self, order, "refund", amount, idempotency_key, endpoint=kind, request=request)

    def request_exchange(
        self, order: NormalisedOrder, lines: list[str], *, reason: str, idempotency_key: str
    ) -> ClaimResult:
        chosen = [line for line in order.items if line.external_id in set(lines)]
        if not chosen:
            raise ProviderRefused("Cafe24 exchange: none of these lines are on the order")
        request = {
            "order_id": order.external_id,
            "status": "accepted",
            "recover_inventory": "T",
            "same_product": "T",
            "reason": reason[:2000],
            "items": [{"order_item_code": line.external_id, "quantity": line.quantity} for line in chosen],
        }
        return claims.once(self, order, "exchange", None, idempotency_key, endpoint="exchange", request=request)

    def call(
        self, method: str, path: str, query: dict[str, Any] | None = None, *, body: object = None, what: str
    ) -> Any:
        """One Admin API call with a fresh token: refreshed before expiry, and once again on a 401."""
        if oauth.needs_refresh(self.shop):
            oauth.refresh(self.shop, used_token=self.shop.access_token)
        try:
            return self._send(method, path, query, body, what)
        except http.Unauthorised:
            oauth.refresh(self.shop, used_token=self.shop.access_token)
        try:
            return self._send(method, path, query, body, what)
        except http.Unauthorised as again:
            raise ProviderAuthError(f"{what}: the refreshed token was refused too ({again})") from None

    def _send(self, method: str, path: str, query: dict[str, Any] | None, body: object, what: str) -> Any:
        url = http.with_query(f"{self.shop.base_url.rstrip('/')}/api/v2/admin{path}", query or {})
        headers = {
            "Authorization": f"Bearer {self.shop.access_token}",
            "X-Cafe24-Api-Version": str(self.shop.options.get("api_version") or DEFAULT_API_VERSION),
        }
        return http.request_json(method, url, body=body, headers=headers, what=what).json()

    def _pages(self, query: dict[str, Any]) -> Iterator[NormalisedOrder]:
        offset = 0
        while offset <= MAX_OFFSET:
            page = {**query, "embed": EMBED, "limit": PAGE_SIZE, "offset": offset}
            answer = self.call("GET", "/orders", page, what="Cafe24 orders")
            orders = answer.get("orders") if isinstance(answer, dict) else None
            if not isinstance(orders, list):
                return
            yield from (normalise_order(order) for order in orders if isinstance(order, dict))
            if len(orders) < PAGE_SIZE:
                return
            offset += PAGE_SIZE


def _period(since: datetime, until: datetime) -> dict[str, str]:
    """Cafe24 takes the search period as KST dates and times (``start_date``/``end_date``)."""
    return {
        "start_date": since.astimezone(KST).isoformat(timespec="seconds"),
        "end_date": until.astimezone(KST).isoformat(timespec="seconds"),
    }


def _lines_for_amount(lines: tuple[OrderLine, ...], amount: Decimal) -> list[OrderLine]:
    """The order lines whose totals make up ``amount`` exactly, largest first; refused when none do."""
    if amount <= 0:
        raise ProviderRefused("Cafe24 refund: the amount must be positive")
    chosen, left = [], amount
    for line in sorted(lines, key=lambda line: line.total, reverse=True):
        if line.total <= left:
            chosen.append(line)
            left -= line.total
    if left != 0 or not chosen:
        raise ProviderRefused(f"Cafe24 refund: no set of order lines adds up to {amount} (Cafe24 refunds whole lines)")
    return chosen
