"""The Shopify connector over the GraphQL Admin API (R-CRM-5).

Orders are read with ``orders(query: …)`` and cursor pages (``pageInfo.hasNextPage``/``endCursor``) and
``order(id:)``. Without the ``read_all_orders`` scope Shopify shows only the last 60 days of orders and
*silently* leaves older ones out of every answer; so before a question that reaches further back we check
the app's scopes and refuse with ``MissingScope`` instead of answering with a list that looks complete.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from soridam.orders.providers import ClaimResult, NormalisedOrder, OrderProvider, register
from soridam.orders.shopify import claims, queries
from soridam.orders.shopify.client import MissingScope, ShopifyClient
from soridam.orders.shopify.normalise import normalise

RECENT_ORDERS = timedelta(days=60)
ALL_ORDERS_SCOPE = "read_all_orders"


@register
class ShopifyProvider(OrderProvider):
    kind: ClassVar[str] = "shopify"
    max_window: ClassVar[timedelta] = timedelta(hours=24)

    @property
    def client(self) -> ShopifyClient:
        return ShopifyClient(self.shop)

    def fetch_order(self, number: str) -> NormalisedOrder | None:
        """The order named ``#1001`` (customers write ``1001`` or ``#1001``)."""
        name = _search_value(number.strip().lstrip("#"))
        if not name:
            return None
        for node in self.orders_matching(f"name:'#{name}'"):
            if str(node.get("name", "")).lstrip("#").lower() == name.lower():
                return normalise(node)
        if not self.sees_all_orders():
            raise MissingScope(
                f"Shopify order #{name} is not among the last 60 days' orders, and older ones need the "
                f"{ALL_ORDERS_SCOPE} scope this app lacks"
            )
        return None

    def customer_orders(
        self, *, shop_customer_id: str = "", email: str = "", phone: str = "", since: datetime
    ) -> list[NormalisedOrder]:
        self._require_reach(since)
        customer_id = shop_customer_id.rsplit("/", 1)[-1] or self._customer_id_by_phone(phone)
        if customer_id:
            who = f"customer_id:{_search_value(customer_id)}"
        elif email:
            who = f"email:'{_search_value(email, extra='@.+-_')}'"
        else:
            return []
        query = f"{who} AND created_at:>='{_iso(since)}'"
        return [normalise(node) for node in self.orders_matching(query)]

    def changed_orders(self, since: datetime, until: datetime) -> Iterator[NormalisedOrder]:
        if until - since > self.max_window:
            raise ValueError("Shopify changes are polled at most 24 hours at a time")
        self._require_reach(since)
        query = f"updated_at:>='{_iso(since)}' AND updated_at:<'{_iso(until)}'"
        yield from (normalise(node) for node in self.orders_matching(query))

    def refund(self, order: NormalisedOrder, amount: Decimal, *, reason: str, idempotency_key: str) -> ClaimResult:
        return claims.refund(self, order, amount, reason=reason, idempotency_key=idempotency_key)

    def request_exchange(
        self, order: NormalisedOrder, lines: list[str], *, reason: str, idempotency_key: str
    ) -> ClaimResult:
        return claims.request_exchange(self, order, lines, reason=reason, idempotency_key=idempotency_key)

    def order_node(self, order_id: str) -> dict[str, Any]:
        node = self.client.graphql(queries.ORDER, {"id": order_id}, what="order").get("order")
        if not node:
            raise MissingScope(f"Shopify order {order_id} is not visible to this app")
        return dict(node)

    def orders_matching(self, query: str) -> Iterator[dict[str, Any]]:
        """Every order the search finds, page by page."""
        after: str | None = None
        while True:
            data = self.client.graphql(queries.ORDERS, {"query": query, "after": after}, what="orders")
            connection = data.get("orders") or {}
            yield from (dict(node) for node in connection.get("nodes") or [])
            page = connection.get("pageInfo") or {}
            if not page.get("hasNextPage") or not page.get("endCursor"):
                return
            after = str(page["endCursor"])

    def sees_all_orders(self) -> bool:
        data = self.client.graphql(queries.ACCESS_SCOPES, what="access scopes")
        scopes = ((data.get("currentAppInstallation") or {}).get("accessScopes")) or []
        return any(scope.get("handle") == ALL_ORDERS_SCOPE for scope in scopes)

    def _require_reach(self, since: datetime) -> None:
        if since < datetime.now(UTC) - RECENT_ORDERS and not self.sees_all_orders():
            raise MissingScope(
                f"Shopify shows orders older than 60 days only with the {ALL_ORDERS_SCOPE} scope, which this app "
                "lacks: grant it, or ask only for the last 60 days"
            )

    def _customer_id_by_phone(self, phone: str) -> str:
        if not phone:
            return ""
        query = f"phone:'{_search_value(phone, extra='+')}'"
        nodes = (
            self.client.graphql(queries.CUSTOMER_BY_PHONE, {"query": query}, what="customers").get("customers") or {}
        ).get("nodes") or []
        return str(nodes[0]["id"]).rsplit("/", 1)[-1] if nodes else ""


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _search_value(value: str, *, extra: str = "") -> str:
    """A value safe inside Shopify's search syntax: letters, digits and the few signs it needs, no quotes."""
    return "".join(char for char in value if char.isalnum() or char in extra)
