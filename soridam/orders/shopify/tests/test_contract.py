"""The Shopify connector against a local fake GraphQL Admin API (``fakeshopify.py``) over real HTTP: the token
header, cursor pages, the 60-day limit without ``read_all_orders`` refused out loud, 429 with Retry-After,
``THROTTLED`` with its cost, 5xx and refused tokens, and refunds and exchanges that never run twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from soridam.orders.models import OrderStatus, Shop
from soridam.orders.providers import ProviderAuthError, ProviderRefused, ProviderUnavailable, provider_for
from soridam.orders.shopify.client import MissingScope
from soridam.orders.shopify.provider import ShopifyProvider
from soridam.orders.shopify.tests.fakeshopify import TOKEN, FakeShopify, _json

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake() -> Iterator[FakeShopify]:
    with FakeShopify() as server:
        yield server


def make_shop(url: str, token: str = TOKEN) -> Shop:
    return Shop.objects.create(
        provider="shopify",
        name="Linen Lab",
        slug="linen-lab",
        base_url=url,
        access_token=token,
        options={"api_version": "2026-10"},
    )


@pytest.fixture
def shopify(fake: FakeShopify) -> ShopifyProvider:
    provider = provider_for(make_shop(fake.url))
    assert isinstance(provider, ShopifyProvider)
    return provider


def ago(**delta: float) -> datetime:
    return datetime.now(UTC) - timedelta(**delta)


def test_an_order_is_fetched_by_its_name_with_the_token_header(fake: FakeShopify, shopify: ShopifyProvider) -> None:
    node = fake.add_order(1001, created_at=ago(days=3))
    fake.fulfil(node, delivered=True)
    order = shopify.fetch_order("1001")
    assert order is not None
    assert order == shopify.fetch_order("#1001")
    assert order.number == "#1001"
    assert order.status == OrderStatus.DELIVERED
    assert order.total == Decimal(50000)
    assert order.shipments[0].tracking_url == "https://trace.example/6543210"
    assert order.buyer.email == "buyer@example.com"
    first = fake.requests[0]
    assert first.header("X-Shopify-Access-Token") == TOKEN
    assert first.header("Content-Type") == "application/json"
    assert "name:'#1001'" in first.json()["variables"]["query"]


def test_changes_are_read_through_every_cursor_page(fake: FakeShopify, shopify: ShopifyProvider) -> None:
    fake.page_size = 2
    for number in range(1001, 1006):
        fake.add_order(number, created_at=ago(days=5), updated_at=ago(hours=number - 1000))
    fake.add_order(1099, created_at=ago(days=5), updated_at=ago(hours=30))
    now = datetime.now(UTC)
    orders = list(shopify.changed_orders(now - timedelta(hours=24), now))
    assert sorted(order.number for order in orders) == ["#1001", "#1002", "#1003", "#1004", "#1005"]
    afters = [request.json()["variables"]["after"] for request in fake.requests]
    assert afters == [None, "2", "4"]


def test_old_orders_without_read_all_orders_are_refused_out_loud(fake: FakeShopify, shopify: ShopifyProvider) -> None:
    fake.add_order(900, created_at=ago(days=90))
    with pytest.raises(MissingScope, match="read_all_orders"):
        shopify.customer_orders(email="buyer@example.com", since=ago(days=120))
    with pytest.raises(MissingScope, match="read_all_orders"):
        shopify.fetch_order("900")
    fake.scopes.append("read_all_orders")
    assert [order.number for order in shopify.customer_orders(email="buyer@example.com", since=ago(days=120))] == [
        "#900"
    ]
    assert shopify.fetch_order("900") is not None


def test_a_customers_orders_are_found_by_id_email_or_phone(fake: FakeShopify, shopify: ShopifyProvider) -> None:
    fake.add_order(1001, created_at=ago(days=3))
    fake.add_order(
        1002,
        created_at=ago(days=40),
        customer={"id": "gid://shopify/Customer/5", "email": "x@example.com", "phone": None, "displayName": "X"},
        email="x@example.com",
    )
    assert [
        o.number for o in shopify.customer_orders(shop_customer_id="gid://shopify/Customer/77", since=ago(days=30))
    ] == ["#1001"]
    assert [o.number for o in shopify.customer_orders(email="x@example.com", since=ago(days=50))] == ["#1002"]
    assert [o.number for o in shopify.customer_orders(phone="+821012345678", since=ago(days=50))] == ["#1001"]


def test_429_waits_the_retry_after_then_succeeds(fake: FakeShopify, shopify: ShopifyProvider) -> None:
    fake.add_order(1001, created_at=ago(days=3))
    fake.script(
        (429, {"Retry-After": "1.0", "Content-Type": "application/json"}, b'{"errors":"Exceeded 2 calls per second"}')
    )
    assert shopify.fetch_order("1001") is not None
    first, second = fake.requests[:2]
    assert second.at - first.at >= 1.0


def test_a_throttled_query_waits_for_its_cost_to_be_restored(fake: FakeShopify, shopify: ShopifyProvider) -> None:
    fake.add_order(1001, created_at=ago(days=3))
    fake.throttle_next(requested=752, available=652, restore_rate=100)  # 100 points short at 100/s: one second
    assert shopify.fetch_order("1001") is not None
    first, second = fake.requests[:2]
    assert second.at - first.at >= 1.0


def test_a_long_throttle_is_handed_to_the_caller(fake: FakeShopify, shopify: ShopifyProvider) -> None:
    fake.throttle_next(requested=1000, available=0, restore_rate=50)
    with pytest.raises(ProviderUnavailable) as caught:
        shopify.fetch_order("1001")
    assert caught.value.retry_after == 20.0
    assert len(fake.requests) == 1


def test_server_errors_are_unavailable_and_a_refused_token_needs_a_person(fake: FakeShopify) -> None:
    fake.script(_json(503, {"errors": "Service Unavailable"}))
    with pytest.raises(ProviderUnavailable):
        provider_for(make_shop(fake.url)).fetch_order("1001")
    with pytest.raises(ProviderAuthError):
        provider_for(
            Shop.objects.create(
                provider="shopify", name="Old", slug="old", base_url=fake.url, access_token="shpat_revoked"
            )
        ).fetch_order("1001")


def test_windows_over_24_hours_are_refused(shopify: ShopifyProvider) -> None:
    with pytest.raises(ValueError, match="24 hours"):
        list(shopify.changed_orders(ago(hours=25), ago(seconds=0)))


def test_a_refund_is_created_once_with_shopifys_idempotency_key(fake: FakeShopify, shopify: ShopifyProvider) -> None:
    fake.add_order(1001, created_at=ago(days=3))
    order = shopify.fetch_order("1001")
    assert order is not None
    first = shopify.refund(order, Decimal(20000), reason="damaged", idempotency_key="remedy-1")
    again = shopify.refund(order, Decimal(20000), reason="damaged", idempotency_key="remedy-1")
    assert len(fake.refunds) == 1
    assert (again.external_id, again.amount) == (first.external_id, Decimal(20000))
    mutation = next(r.json() for r in fake.requests if "RefundCreate" in r.json()["query"])
    assert '@idempotent(key: "remedy-1")' in mutation["query"]
    transaction = mutation["variables"]["input"]["transactions"][0]
    assert transaction == {
        "orderId": "gid://shopify/Order/1001",
        "gateway": "shopify_payments",
        "kind": "REFUND",
        "amount": "20000",
        "parentId": "gid://shopify/OrderTransaction/10011",
    }
    refreshed = shopify.fetch_order("1001")
    assert refreshed is not None
    assert refreshed.status == OrderStatus.PARTIALLY_REFUNDED
    assert refreshed.refunded_total == Decimal(20000)


def test_a_lost_refund_answer_is_not_refunded_again(fake: FakeShopify, shopify: ShopifyProvider) -> None:
    fake.add_order(1001, created_at=ago(days=3))
    order = shopify.fetch_order("1001")
    assert order is not None
    fake.lose_next_answer = True
    with pytest.raises(ProviderUnavailable):
        shopify.refund(order, Decimal(50000), reason="never arrived", idempotency_key="remedy-2")
    result = shopify.refund(order, Decimal(50000), reason="never arrived", idempotency_key="remedy-2")
    assert len(fake.refunds) == 1
    assert result.external_id == fake.refunds[0]["id"]
    assert sum("RefundCreate" in r.json()["query"] for r in fake.requests) == 1  # found by its note, not re-sent


def test_a_refund_over_what_was_paid_is_refused_with_shopifys_words(
    fake: FakeShopify, shopify: ShopifyProvider
) -> None:
    fake.add_order(1001, created_at=ago(days=3))
    order = shopify.fetch_order("1001")
    assert order is not None
    with pytest.raises(ProviderRefused, match="can still be refunded"):
        shopify.refund(order, Decimal(60000), reason="", idempotency_key="remedy-3")
    assert fake.refunds == []


def test_an_exchange_returns_the_line_and_sends_the_same_variant_once(
    fake: FakeShopify, shopify: ShopifyProvider
) -> None:
    node = fake.add_order(1001, created_at=ago(days=3))
    fake.fulfil(node, delivered=True)
    order = shopify.fetch_order("1001")
    assert order is not None
    line = order.items[0].external_id
    fake.lose_next_answer = True
    with pytest.raises(ProviderUnavailable):
        shopify.request_exchange(order, [line], reason="wrong size", idempotency_key="ex-1")
    first = shopify.request_exchange(order, [line], reason="wrong size", idempotency_key="ex-1")
    again = shopify.request_exchange(order, [line], reason="wrong size", idempotency_key="ex-1")
    assert first.status == "OPEN"
    assert again.external_id == first.external_id
    assert len(fake.returns) == 1  # the retry found the open return its lost answer had created
    sent = fake.returns[0]["input"]
    assert sent["exchangeLineItems"] == [{"variantId": "gid://shopify/ProductVariant/10019", "quantity": 1}]
    assert sent["returnLineItems"][0]["returnReasonNote"] == "wrong size"
    refreshed = shopify.fetch_order("1001")
    assert refreshed is not None
    assert refreshed.status == OrderStatus.EXCHANGE_REQUESTED


def test_an_unfulfilled_line_cannot_be_exchanged(fake: FakeShopify, shopify: ShopifyProvider) -> None:
    fake.add_order(1001, created_at=ago(days=3))
    order = shopify.fetch_order("1001")
    assert order is not None
    with pytest.raises(ProviderRefused, match="fulfilled"):
        shopify.request_exchange(order, [order.items[0].external_id], reason="", idempotency_key="ex-3")
