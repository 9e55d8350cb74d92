"""The Cafe24 connector against the local fake Cafe24: tokens, refresh, 401, 429, 5xx, orders and claims."""

from __future__ import annotations

import urllib.parse
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from soridam.orders import http
from soridam.orders.cafe24.provider import Cafe24Provider
from soridam.orders.cafe24.tests.fake import FakeCafe24, order_payload
from soridam.orders.models import ClaimRequest, OrderStatus, Shop
from soridam.orders.providers import ProviderAuthError, ProviderRefused, ProviderUnavailable, provider_for

ORDERS = "/api/v2/admin/orders"
TOKEN = "/api/v2/oauth/token"


def _form(body: bytes) -> dict[str, str]:
    return {key: values[0] for key, values in urllib.parse.parse_qs(body.decode()).items()}


def test_the_registered_connector_for_a_cafe24_shop_is_cafe24s(shop: Shop) -> None:
    assert isinstance(provider_for(shop), Cafe24Provider)


def test_an_order_is_read_with_bearer_token_and_api_version_and_normalised(cafe24: FakeCafe24, shop: Shop) -> None:
    cafe24.add_order(order_payload("20261201-0000012", prices=(42000, 18000)))
    order = provider_for(shop).fetch_order("20261201-0000012")
    assert order is not None
    sent = cafe24.to(f"{ORDERS}/20261201-0000012")[0]
    assert sent.header("Authorization") == f"Bearer {shop.access_token}"
    assert sent.header("X-Cafe24-Api-Version") == "2025-12-01"
    assert "embed=items%2Cbuyer%2Creceivers" in sent.path
    assert order.status == OrderStatus.DELIVERED
    assert order.total == Decimal("63000.00")
    assert [line.total for line in order.items] == [Decimal("42000.00"), Decimal("18000.00")]
    assert order.shipments[0].tracking_number == "612345678901"
    assert order.buyer.shop_customer_id == "sookim"
    assert order.raw["order_id"] == "20261201-0000012"


def test_an_unknown_order_number_is_none(cafe24: FakeCafe24, shop: Shop) -> None:
    assert provider_for(shop).fetch_order("20261201-9999999") is None


def test_a_token_about_to_expire_is_refreshed_before_the_call(cafe24: FakeCafe24, shop: Shop) -> None:
    cafe24.add_order(order_payload())
    old = shop.access_token
    Shop.objects.filter(pk=shop.pk).update(token_expires_at=timezone.now() + timedelta(minutes=1))
    shop.refresh_from_db()
    assert provider_for(shop).fetch_order("20261201-0000012") is not None
    refresh = cafe24.to(TOKEN)
    assert len(refresh) == 1
    assert _form(refresh[0].body)["grant_type"] == "refresh_token"
    assert refresh[0].header("Authorization").startswith("Basic ")
    shop.refresh_from_db()
    assert shop.access_token != old
    assert shop.token_expires_at is not None
    assert shop.token_expires_at > timezone.now() + timedelta(minutes=100)
    assert cafe24.to(f"{ORDERS}/20261201-0000012")[0].header("Authorization") == f"Bearer {shop.access_token}"


def test_an_expired_token_answered_401_is_refreshed_once_and_the_call_retried(cafe24: FakeCafe24, shop: Shop) -> None:
    cafe24.add_order(order_payload())
    cafe24.expire_access_tokens()
    assert provider_for(shop).fetch_order("20261201-0000012") is not None
    detail = f"{ORDERS}/20261201-0000012"
    assert [request.path.split("?")[0] for request in cafe24.requests] == [detail, TOKEN, detail]


def test_401_after_the_refresh_is_an_auth_error(cafe24: FakeCafe24, shop: Shop) -> None:
    refused = (401, {"Content-Type": "application/json"}, b'{"error": {"code": 401, "message": "revoked"}}')
    cafe24.script(f"{ORDERS}/20261201-0000012", refused, refused)
    with pytest.raises(ProviderAuthError):
        provider_for(shop).fetch_order("20261201-0000012")
    assert len(cafe24.to(TOKEN)) == 1


def test_a_refused_refresh_token_is_an_auth_error(cafe24: FakeCafe24, shop: Shop) -> None:
    Shop.objects.filter(pk=shop.pk).update(refresh_token="stale", token_expires_at=timezone.now())
    shop.refresh_from_db()
    with pytest.raises(ProviderAuthError):
        provider_for(shop).fetch_order("20261201-0000012")
    assert cafe24.to(ORDERS + "/20261201-0000012") == []


def test_429_waits_for_retry_after_then_succeeds(cafe24: FakeCafe24, shop: Shop) -> None:
    cafe24.add_order(order_payload())
    cafe24.script(f"{ORDERS}/20261201-0000012", (429, {"Retry-After": "1"}, b'{"error": {"code": 429}}'))
    assert provider_for(shop).fetch_order("20261201-0000012") is not None
    first, second = cafe24.to(f"{ORDERS}/20261201-0000012")
    assert second.at - first.at >= 0.9


def test_429_past_the_retries_is_unavailable_with_retry_after(
    cafe24: FakeCafe24, shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http.time, "sleep", lambda _seconds: None)
    busy = (429, {"Retry-After": "3"}, b'{"error": {"code": 429, "message": "Too Many Requests"}}')
    cafe24.script(f"{ORDERS}/20261201-0000012", *[busy] * http.RATE_LIMIT_ATTEMPTS)
    with pytest.raises(ProviderUnavailable) as caught:
        provider_for(shop).fetch_order("20261201-0000012")
    assert caught.value.retry_after == 3.0
    assert len(cafe24.to(f"{ORDERS}/20261201-0000012")) == http.RATE_LIMIT_ATTEMPTS


def test_5xx_is_unavailable(cafe24: FakeCafe24, shop: Shop) -> None:
    cafe24.script(f"{ORDERS}/20261201-0000012", (503, {}, b"Service Unavailable"))
    with pytest.raises(ProviderUnavailable, match="HTTP 503"):
        provider_for(shop).fetch_order("20261201-0000012")


def test_changed_orders_ask_for_updated_date_in_kst_and_page(cafe24: FakeCafe24, shop: Shop) -> None:
    cafe24.add_order(order_payload("20261201-0000001", updated="2026-12-01T10:00:00+09:00"))
    cafe24.add_order(order_payload("20261202-0000002", updated="2026-12-02T10:00:00+09:00"))
    since = timezone.datetime.fromisoformat("2026-12-01T00:00:00+00:00")
    found = list(provider_for(shop).changed_orders(since, since + timedelta(hours=24)))
    assert [order.number for order in found] == ["20261201-0000001"]  # 10:00 KST is inside 09:00–09:00
    query = urllib.parse.parse_qs(cafe24.to(ORDERS)[0].path.split("?")[1])
    assert query["date_type"] == ["updated_date"]
    assert query["start_date"] == ["2026-12-01T09:00:00+09:00"]
    with pytest.raises(ValueError, match="24 hours"):
        list(provider_for(shop).changed_orders(since, since + timedelta(hours=25)))


def test_a_refund_cancels_lines_once_for_the_same_key(cafe24: FakeCafe24, shop: Shop) -> None:
    cafe24.add_order(order_payload(status="N20", prices=(42000, 18000)))
    provider = provider_for(shop)
    order = provider.fetch_order("20261201-0000012")
    assert order is not None
    first = provider.refund(order, Decimal("18000"), reason="파손", idempotency_key="remedy-7")
    again = provider.refund(order, Decimal("18000"), reason="파손", idempotency_key="remedy-7")
    assert first == again
    assert first.external_id.startswith("C")
    assert len(cafe24.claims) == 1
    posted = cafe24.to("/api/v2/admin/cancellation")[0].json()
    assert posted["requests"][0]["items"] == [{"order_item_code": "20261201-0000012-02", "quantity": 1}]
    assert posted["requests"][0]["status"] == "canceled"


def test_a_refund_after_delivery_is_a_return(cafe24: FakeCafe24, shop: Shop) -> None:
    cafe24.add_order(order_payload(status="N40"))
    provider = provider_for(shop)
    order = provider.fetch_order("20261201-0000012")
    assert order is not None
    result = provider.refund(order, Decimal("42000"), reason="불량", idempotency_key="remedy-8")
    assert result.external_id.startswith("R")
    assert cafe24.claims[0]["endpoint"] == "return"


def test_a_retry_after_a_lost_answer_takes_the_claim_made_instead_of_refunding_twice(
    cafe24: FakeCafe24, shop: Shop
) -> None:
    cafe24.add_order(order_payload(status="N20"))
    provider = provider_for(shop)
    order = provider.fetch_order("20261201-0000012")
    assert order is not None
    cafe24.lose_next_answer()
    with pytest.raises(ProviderUnavailable):
        provider.refund(order, Decimal("42000"), reason="", idempotency_key="remedy-9")
    result = provider.refund(order, Decimal("42000"), reason="", idempotency_key="remedy-9")
    assert len(cafe24.claims) == 1
    assert result.external_id == cafe24.orders["20261201-0000012"]["items"][0]["claim_code"]
    assert ClaimRequest.objects.get(idempotency_key="remedy-9").attempts == 2


def test_a_refund_no_lines_add_up_to_is_refused_without_a_call(cafe24: FakeCafe24, shop: Shop) -> None:
    cafe24.add_order(order_payload(status="N20", prices=(42000,)))
    provider = provider_for(shop)
    order = provider.fetch_order("20261201-0000012")
    assert order is not None
    with pytest.raises(ProviderRefused, match="whole lines"):
        provider.refund(order, Decimal("5000"), reason="", idempotency_key="remedy-10")
    assert cafe24.claims == []


def test_an_exchange_is_requested_once_per_key(cafe24: FakeCafe24, shop: Shop) -> None:
    cafe24.add_order(order_payload(status="N40"))
    provider = provider_for(shop)
    order = provider.fetch_order("20261201-0000012")
    assert order is not None
    first = provider.request_exchange(order, ["20261201-0000012-01"], reason="사이즈", idempotency_key="x-1")
    second = provider.request_exchange(order, ["20261201-0000012-01"], reason="사이즈", idempotency_key="x-1")
    assert first.external_id == second.external_id
    assert first.external_id.startswith("E")
    assert [claim["endpoint"] for claim in cafe24.claims] == ["exchange"]
