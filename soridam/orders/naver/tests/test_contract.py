"""The Naver Commerce connector against a local fake of the API (``fakenaver.py``), over real HTTP: the signed
token and its reuse and refresh, 429 with Retry-After, 5xx and network errors, the 24-hour window, the
change feed's ``more`` pages, whole orders from product orders, and refunds that never run twice."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from soridam.orders.models import ClaimRequest, OrderStatus, Shop
from soridam.orders.naver.client import NaverClient, client_secret_sign
from soridam.orders.naver.provider import NaverCommerceProvider
from soridam.orders.naver.tests.fakenaver import CLIENT_ID, CLIENT_SECRET, FakeNaver, _error
from soridam.orders.providers import (
    ProviderAuthError,
    ProviderRefused,
    ProviderUnavailable,
    provider_for,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
IDS = "/v1/pay-order/seller/orders/{}/product-order-ids"


@pytest.fixture
def fake() -> Iterator[FakeNaver]:
    with FakeNaver() as server:
        yield server


def make_shop(url: str, secret: str = CLIENT_SECRET) -> Shop:
    return Shop.objects.create(
        provider="naver",
        name="스마트스토어",
        slug="smartstore",
        base_url=url,
        client_id=CLIENT_ID,
        client_secret=secret,
    )


@pytest.fixture
def shop(fake: FakeNaver) -> Shop:
    return make_shop(fake.url)


@pytest.fixture
def naver(shop: Shop) -> NaverCommerceProvider:
    provider = provider_for(shop)
    assert isinstance(provider, NaverCommerceProvider)
    return provider


def test_the_signature_is_base64_of_bcrypt_with_the_secret_as_salt() -> None:
    import base64

    import bcrypt

    sign = client_secret_sign(CLIENT_ID, CLIENT_SECRET, 1706671059230)
    hashed = base64.standard_b64decode(sign)
    assert hashed.startswith(CLIENT_SECRET.encode())
    assert bcrypt.checkpw(f"{CLIENT_ID}_1706671059230".encode(), hashed)


def test_the_token_is_signed_stored_encrypted_and_reused(fake: FakeNaver, naver: NaverCommerceProvider) -> None:
    fake.add_order("2026120100001", [{}], changed_at=NOW)
    assert naver.fetch_order("2026120100001") is not None
    assert naver.fetch_order("2026120100001") is not None
    token_requests = fake.to("/v1/oauth2/token")
    assert len(token_requests) == 1
    form = token_requests[0].body.decode()
    assert "grant_type=client_credentials" in form
    assert "type=SELF" in form
    assert "client_secret_sign=" in form
    shop = Shop.objects.get(pk=naver.shop.pk)
    assert shop.access_token in fake.tokens
    assert shop.token_expires_at is not None
    assert shop.token_expires_at > datetime.now(UTC) + timedelta(hours=2)
    assert fake.to(IDS.format("2026120100001"))[0].header("Authorization") == f"Bearer {shop.access_token}"


def test_a_wrong_secret_is_an_auth_error_for_a_person_to_fix(fake: FakeNaver) -> None:
    provider = provider_for(make_shop(fake.url, secret="$2a$04$WrongWrongWrongWrongWu"))
    with pytest.raises(ProviderAuthError):
        provider.fetch_order("2026120100001")


def test_an_expired_token_gets_one_new_token_and_the_call_succeeds(
    fake: FakeNaver, naver: NaverCommerceProvider
) -> None:
    fake.add_order("2026120100001", [{}], changed_at=NOW)
    naver.fetch_order("2026120100001")
    fake.expire_tokens()
    assert naver.fetch_order("2026120100001") is not None
    assert len(fake.to("/v1/oauth2/token")) == 2


def test_a_401_after_a_fresh_token_is_an_auth_error(fake: FakeNaver, naver: NaverCommerceProvider) -> None:
    refused = _error(401, "GW.AUTHN", "인증 실패")
    fake.script(IDS.format("2026120100001"), refused, refused)
    with pytest.raises(ProviderAuthError):
        naver.fetch_order("2026120100001")
    assert len(fake.to("/v1/oauth2/token")) == 2


def test_429_waits_the_retry_after_then_succeeds(fake: FakeNaver, naver: NaverCommerceProvider) -> None:
    fake.add_order("2026120100001", [{}], changed_at=NOW)
    status, headers, body = _error(429, "GW.RATE_LIMIT", "요청이 많습니다.")
    fake.script(IDS.format("2026120100001"), (status, {**headers, "Retry-After": "1"}, body))
    assert naver.fetch_order("2026120100001") is not None
    first, second = fake.to(IDS.format("2026120100001"))
    assert second.at - first.at >= 1.0


def test_a_long_retry_after_is_handed_to_the_caller(fake: FakeNaver, naver: NaverCommerceProvider) -> None:
    status, headers, body = _error(429, "GW.RATE_LIMIT", "요청이 많습니다.")
    fake.script(IDS.format("1"), (status, {**headers, "Retry-After": "120"}, body))
    with pytest.raises(ProviderUnavailable) as caught:
        naver.fetch_order("1")
    assert caught.value.retry_after == 120.0
    assert len(fake.to(IDS.format("1"))) == 1


def test_a_server_error_is_unavailable(fake: FakeNaver, naver: NaverCommerceProvider) -> None:
    fake.script(IDS.format("1"), _error(503, "GW.UNAVAILABLE", "점검 중"))
    with pytest.raises(ProviderUnavailable):
        naver.fetch_order("1")


def test_a_closed_port_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ProviderUnavailable):
        provider_for(make_shop(f"http://127.0.0.1:{port}/external")).fetch_order("1")


def test_windows_over_24_hours_are_refused_here_and_by_the_api(fake: FakeNaver, naver: NaverCommerceProvider) -> None:
    with pytest.raises(ValueError, match="24 hours"):
        list(naver.changed_orders(NOW - timedelta(hours=25), NOW))
    query = {"lastChangedFrom": "2026-12-05T00:00:00.000+09:00", "lastChangedTo": "2026-12-06T00:00:01.000+09:00"}
    with pytest.raises(ProviderRefused, match="104139"):
        NaverClient(naver.shop).get("/v1/pay-order/seller/product-orders/last-changed-statuses", query)


def test_changes_are_paged_and_grouped_into_whole_orders(fake: FakeNaver, naver: NaverCommerceProvider) -> None:
    fake.page_size = 2
    fake.add_order("2026120100001", [{}, {"productName": "양말"}], changed_at=NOW - timedelta(hours=1))
    fake.add_order("2026120100002", [{}], changed_at=NOW - timedelta(minutes=30))
    fake.add_order("2026120100003", [{}], changed_at=NOW - timedelta(minutes=10))
    fake.add_order("2026120100004", [{}], changed_at=NOW - timedelta(hours=30))  # outside the window
    fake.changed_at["202612010000102"] = NOW - timedelta(hours=40)  # only one of its product orders changed

    orders = list(naver.changed_orders(NOW - timedelta(hours=24), NOW))

    assert [order.number for order in orders] == ["2026120100001", "2026120100002", "2026120100003"]
    assert [line.name for line in orders[0].items] == ["상품 1", "양말"]
    pages = fake.to("/v1/pay-order/seller/product-orders/last-changed-statuses")
    assert len(pages) == 2
    assert "moreSequence=" in pages[1].path
    first = dict(part.split("=", 1) for part in pages[0].path.split("?")[1].split("&"))
    assert first["lastChangedFrom"] == "2026-12-06T10%3A00%3A00.000%2B09%3A00"
    assert first["lastChangedTo"] == "2026-12-07T09%3A59%3A59.999%2B09%3A00"


def test_an_order_is_found_by_its_number_or_a_product_order_number(
    fake: FakeNaver, naver: NaverCommerceProvider
) -> None:
    fake.add_order(
        "2026120100001",
        [{"delivery": {"deliveryCompany": "CJGLS", "trackingNumber": "6543210", "deliveryStatus": "DELIVERING"}}],
        changed_at=NOW,
        productOrderStatus="DELIVERING",
    )
    order = naver.fetch_order(" 2026120100001 ")
    assert order is not None
    assert naver.fetch_order("202612010000101") == order
    assert naver.fetch_order("9999") is None
    assert order.shipments[0].tracking_number == "6543210"
    assert order.shipments[0].carrier == "CJGLS"
    assert order.total == Decimal(13000)
    assert order.buyer.shop_customer_id == "buyer-77"


def test_a_buyers_cancel_request_is_approved_once_for_the_same_key(
    fake: FakeNaver, naver: NaverCommerceProvider
) -> None:
    fake.add_order("2026120100001", [{}, {}], changed_at=NOW)
    fake.open_claim("202612010000102", "CANCEL", "CANCEL_REQUEST")
    order = naver.fetch_order("2026120100001")
    assert order is not None

    first = naver.refund(order, Decimal(10000), reason="파손", idempotency_key="remedy-1")
    again = naver.refund(order, Decimal(10000), reason="파손", idempotency_key="remedy-1")

    assert fake.refunds == ["202612010000102"]
    assert first.status == "refunded"
    assert again == first
    assert len(fake.to("/v1/pay-order/seller/product-orders/202612010000102/claim/cancel/approve")) == 1
    refreshed = naver.fetch_order("2026120100001")
    assert refreshed is not None
    assert refreshed.status == OrderStatus.PARTIALLY_REFUNDED


def test_an_unshipped_order_is_cancelled_by_the_seller_for_its_full_amount(
    fake: FakeNaver, naver: NaverCommerceProvider
) -> None:
    fake.add_order("2026120100001", [{}, {}], changed_at=NOW)
    order = naver.fetch_order("2026120100001")
    assert order is not None
    result = naver.refund(order, Decimal(20000), reason="지연", idempotency_key="remedy-2")
    assert sorted(fake.refunds) == ["202612010000101", "202612010000102"]
    request = fake.to("/v1/pay-order/seller/product-orders/202612010000101/claim/cancel/request")[0].json()
    assert request == {"cancelReason": "PRODUCT_UNSATISFIED", "cancelDetailedReason": "지연"}
    assert result.amount == Decimal(20000)


def test_an_amount_no_product_orders_add_up_to_is_refused(fake: FakeNaver, naver: NaverCommerceProvider) -> None:
    fake.add_order("2026120100001", [{}, {}], changed_at=NOW)
    order = naver.fetch_order("2026120100001")
    assert order is not None
    with pytest.raises(ProviderRefused, match="whole product orders"):
        naver.refund(order, Decimal(15000), reason="", idempotency_key="remedy-3")
    assert fake.refunds == []


def test_a_lost_answer_is_finished_not_repeated_on_retry(fake: FakeNaver, naver: NaverCommerceProvider) -> None:
    fake.add_order("2026120100001", [{"productOrderStatus": "DELIVERED"}], changed_at=NOW)
    fake.open_claim("202612010000101", "RETURN", "COLLECT_DONE")
    order = naver.fetch_order("2026120100001")
    assert order is not None
    assert order.status == OrderStatus.RETURN_REQUESTED
    fake.lose_next_answer = True
    with pytest.raises(ProviderUnavailable):
        naver.refund(order, Decimal(10000), reason="불량", idempotency_key="remedy-4")
    pending = ClaimRequest.objects.get(idempotency_key="remedy-4")
    assert pending.external_id == ""
    assert pending.raw["productOrderIds"] == ["202612010000101"]

    result = naver.refund(order, Decimal(10000), reason="불량", idempotency_key="remedy-4")

    assert fake.refunds == ["202612010000101"]
    assert len(fake.to("/v1/pay-order/seller/product-orders/202612010000101/claim/return/approve")) == 1
    assert result.status == "refunded"


def test_a_shipped_order_without_a_return_request_is_refused(fake: FakeNaver, naver: NaverCommerceProvider) -> None:
    fake.add_order("2026120100001", [{"productOrderStatus": "DELIVERING"}], changed_at=NOW)
    order = naver.fetch_order("2026120100001")
    assert order is not None
    with pytest.raises(ProviderRefused, match="return request"):
        naver.refund(order, Decimal(10000), reason="", idempotency_key="remedy-5")


def test_an_exchange_is_reported_when_the_buyer_opened_it_and_refused_otherwise(
    fake: FakeNaver, naver: NaverCommerceProvider
) -> None:
    fake.add_order("2026120100001", [{"productOrderStatus": "DELIVERED"}, {}], changed_at=NOW)
    fake.open_claim("202612010000101", "EXCHANGE", "EXCHANGE_REQUEST")
    order = naver.fetch_order("2026120100001")
    assert order is not None
    assert order.status == OrderStatus.EXCHANGE_REQUESTED
    result = naver.request_exchange(order, ["202612010000101"], reason="사이즈", idempotency_key="ex-1")
    assert result.status == "EXCHANGE_REQUEST"
    assert result.external_id
    with pytest.raises(ProviderRefused, match="only the buyer"):
        naver.request_exchange(order, ["202612010000102"], reason="사이즈", idempotency_key="ex-2")


def test_a_key_under_way_or_used_for_another_order_is_not_sent(fake: FakeNaver, naver: NaverCommerceProvider) -> None:
    fake.add_order("2026120100001", [{}], changed_at=NOW)
    fake.add_order("2026120100002", [{}], changed_at=NOW)
    order, other = naver.fetch_order("2026120100001"), naver.fetch_order("2026120100002")
    assert order is not None
    assert other is not None
    ClaimRequest.objects.create(
        shop=naver.shop,
        order_external_id=order.external_id,
        idempotency_key="busy",
        kind="refund",
        attempted_at=datetime.now(UTC),
    )
    with pytest.raises(ProviderUnavailable, match="under way"):
        naver.refund(order, Decimal(10000), reason="", idempotency_key="busy")
    with pytest.raises(ProviderRefused, match="another request"):
        naver.refund(other, Decimal(10000), reason="", idempotency_key="busy")
    assert fake.refunds == []
    assert len(fake.to("/v1/pay-order/seller/product-orders/query")) == 2  # the two fetches, nothing more
