"""A shop whose orders live on a local HTTP server the tests start (``FakeProvider``), reached through a
tiny test-only ``OrderProvider`` ("fakeshop") that speaks plain JSON to it: real requests over a socket, not
a mock. (The Cafe24 connector and its fake server live on another branch; this stands in for it here.)"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases.models import Case
from soridam.channels.tests.fakeprovider import FakeProvider
from soridam.orders import providers
from soridam.orders.models import CaseOrder, Order, OrderStatus, Shop
from soridam.orders.providers import ClaimResult, NormalisedOrder, OrderProvider, ProviderRefused, ProviderUnavailable
from soridam.policy import rules
from soridam.policy.models import Rule, RuleAllowance, RuleSet


class FakeShopProvider(OrderProvider):
    kind = "fakeshop"

    def _post(self, path: str, body: dict[str, Any], key: str) -> dict[str, Any]:
        request = urllib.request.Request(
            self.shop.base_url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Idempotency-Key": key},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return dict(json.loads(response.read()))
        except urllib.error.HTTPError as error:
            if error.code >= 500:
                raise ProviderUnavailable(f"the shop answered {error.code}") from None
            raise ProviderRefused(f"the shop refused: {error.code}") from None

    def refund(self, order: NormalisedOrder, amount: Decimal, *, reason: str, idempotency_key: str) -> ClaimResult:
        body = {"order": order.external_id, "amount": str(amount), "reason": reason}
        answer = self._post("/refunds", body, idempotency_key)
        return ClaimResult(external_id=str(answer["id"]), status="done", amount=amount, raw=answer)

    def request_exchange(
        self, order: NormalisedOrder, lines: list[str], *, reason: str, idempotency_key: str
    ) -> ClaimResult:
        answer = self._post("/exchanges", {"order": order.external_id, "lines": lines}, idempotency_key)
        return ClaimResult(external_id=str(answer["id"]), status="requested", raw=answer)

    def fetch_order(self, number: str) -> NormalisedOrder | None:
        return None

    def customer_orders(
        self, *, shop_customer_id: str = "", email: str = "", phone: str = "", since: datetime
    ) -> list[NormalisedOrder]:
        return []

    def changed_orders(self, since: datetime, until: datetime) -> Iterator[NormalisedOrder]:
        return iter(())


providers.register(FakeShopProvider)
REFUND_OK = (200, {"Content-Type": "application/json"}, b'{"id": "RF-1", "status": "done"}')


@pytest.fixture
def shop_server() -> Iterator[FakeProvider]:
    with FakeProvider(default=REFUND_OK) as fake:
        yield fake


@pytest.fixture
def shop(shop_server: FakeProvider, db: None) -> Shop:
    return Shop.objects.create(provider="fakeshop", name="Demo", slug="demo", base_url=shop_server.url)


@pytest.fixture
def order_case(make_case: Callable[..., Case], shop: Shop) -> Callable[..., Case]:
    """A case about an order of ``total`` KRW delivered ``days`` days ago."""

    def make(total: int = 200_000, days: int = 20, category: str = "delivery", **case: Any) -> Case:
        opened = make_case(category=category, **case)
        order = Order.objects.create(
            shop=shop,
            customer=opened.customer,
            external_id=f"EXT-{opened.pk}",
            number=f"20261201-{opened.pk:07d}",
            status=OrderStatus.DELIVERED,
            total=Decimal(total),
            paid_total=Decimal(total),
            placed_at=timezone.now() - timedelta(days=days + 3),
            delivered_at=timezone.now() - timedelta(days=days),
            items=[{"external_id": "L1", "name": "러닝화", "sku": "SHOE-42", "quantity": 1, "unit_price": str(total)}],
        )
        CaseOrder.objects.create(case=opened, order=order)
        return opened

    return make


def make_rule_set(version: int, *rule_specs: tuple[str, dict[str, Any], list[dict[str, Any]]]) -> RuleSet:
    rule_set = RuleSet.objects.create(version=version, name=f"v{version}")
    for code, conditions, allowances in rule_specs:
        rule = Rule.objects.create(rule_set=rule_set, code=code, title=code, **conditions)
        for allowance in allowances:
            RuleAllowance.objects.create(rule=rule, **allowance)
    return rule_set


@pytest.fixture
def active_rules(root: User) -> RuleSet:
    """Refunds up to the order's value for a delivery problem; vouchers up to 50,000 for anyone."""
    rule_set = make_rule_set(
        1,
        ("delivery-refund", {"category": "delivery"}, [{"kind": "full_refund"}, {"kind": "partial_refund"}]),
        ("voucher-any", {}, [{"kind": "voucher", "cap_amount": Decimal(50_000)}]),
    )
    return rules.activate(rule_set, actor=Actor(user=root))
