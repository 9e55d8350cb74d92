"""Orders for the bot's order-status tests, and a shop connector that answers from a dict in this process.

``ShopStandIn`` implements the ``OrderProvider`` interface (ours, not a vendor's protocol): the vendors'
protocols are tested against their fake servers in each connector's own tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from django.utils import timezone

from soridam.customers.models import Customer
from soridam.orders.models import Order, Shop
from soridam.orders.providers import (
    ClaimResult,
    NormalisedOrder,
    OrderLine,
    OrderProvider,
    ProviderUnavailable,
    Shipment,
    as_json,
)

STAND_IN = "bot-stand-in"
NUMBER = "20261201-0000012"
PHONE = "01012345678"
EMAIL = "hong@example.kr"
NAME = "홍길동"
ITEMS = (
    OrderLine("L1", "무선 이어폰", 1, Decimal(59000), Decimal(59000), option="블랙"),
    OrderLine("L2", "충전 케이블", 2, Decimal(5000), Decimal(10000)),
)
SHIPPED_AT = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
SHIPMENT = Shipment("CJ대한통운", "512345678901", status="배송중", shipped_at=SHIPPED_AT)


class ShopStandIn(OrderProvider):
    """Answers ``fetch_order`` from ``orders`` (number → NormalisedOrder), or raises while ``down``."""

    kind: ClassVar[str] = STAND_IN
    orders: ClassVar[dict[str, NormalisedOrder]] = {}
    down: ClassVar[bool] = False
    fetched: ClassVar[list[str]] = []

    def fetch_order(self, number: str) -> NormalisedOrder | None:
        self.fetched.append(number)
        if self.down:
            raise ProviderUnavailable("503 from the shop after 3 tries", retry_after=30)
        return self.orders.get(number)

    def customer_orders(
        self, *, shop_customer_id: str = "", email: str = "", phone: str = "", since: datetime
    ) -> list[NormalisedOrder]:
        return []

    def changed_orders(self, since: datetime, until: datetime) -> Iterator[NormalisedOrder]:
        return iter(())

    def refund(self, order: NormalisedOrder, amount: Decimal, *, reason: str, idempotency_key: str) -> ClaimResult:
        raise NotImplementedError

    def request_exchange(
        self, order: NormalisedOrder, lines: list[str], *, reason: str, idempotency_key: str
    ) -> ClaimResult:
        raise NotImplementedError


def make_shop(**fields: Any) -> Shop:
    defaults: dict[str, Any] = {
        "provider": STAND_IN,
        "name": "하루장터",
        "slug": "haru",
        "base_url": "http://127.0.0.1:9",
    }
    return Shop.objects.create(**{**defaults, **fields})


def make_order(shop: Shop, number: str = NUMBER, *, customer: Customer | None = None, **fields: Any) -> Order:
    defaults: dict[str, Any] = {
        "external_id": f"ext-{number}",
        "status": "shipped",
        "total": Decimal(69000),
        "buyer_name": NAME,
        "buyer_email": EMAIL,
        "buyer_phone": PHONE,
        "placed_at": timezone.now() - timedelta(days=3),
        "items": [as_json(line) for line in ITEMS],
        "shipments": [as_json(SHIPMENT)],
        "synced_at": timezone.now(),
    }
    return Order.objects.create(shop=shop, number=number, customer=customer, **{**defaults, **fields})
