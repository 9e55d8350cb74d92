"""Storing orders, linking them to known customers, polling in windows, and the outage state (R-CRM-4)."""

from __future__ import annotations

import urllib.parse
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from soridam.channels.kinds import Channel
from soridam.customers.models import Customer, Identity
from soridam.orders import sync
from soridam.orders.buyers import SHOP_IDENTITY, claim_orders_for, shop_identity
from soridam.orders.cafe24.normalise import normalise_order
from soridam.orders.cafe24.tests.conftest import connected_shop
from soridam.orders.cafe24.tests.fake import FakeCafe24, order_payload
from soridam.orders.models import Order, OrderStatus, Shop
from soridam.orders.providers import ProviderUnavailable

pytestmark = pytest.mark.django_db
NOW = datetime.fromisoformat("2026-12-07T03:00:00+00:00")


def test_storing_the_same_order_twice_updates_one_row_and_keeps_the_raw_payload(shop: Shop) -> None:
    sync.store_order(shop, normalise_order(order_payload(status="N30")))
    stored = sync.store_order(shop, normalise_order(order_payload(status="N40")))
    assert Order.objects.count() == 1
    assert stored.status == OrderStatus.DELIVERED
    assert stored.items[0]["name"] == "리넨 셔츠 1"
    assert stored.items[0]["total"] == "42000.00"
    assert stored.shipments[0]["carrier"] == "CJ대한통운"
    assert stored.raw["order_id"] == "20261201-0000012"
    assert stored.buyer_phone == "01012345678"


def test_an_order_links_to_the_customer_by_shop_id_before_email_or_phone(shop: Shop) -> None:
    by_email = Customer.objects.create(name="이메일", email="soo@example.com")
    by_shop_id = Customer.objects.create(name="회원")
    Identity.objects.create(customer=by_shop_id, channel=SHOP_IDENTITY, external_id=shop_identity(shop, "sookim"))
    assert sync.store_order(shop, normalise_order(order_payload())).customer == by_shop_id
    other = sync.store_order(shop, normalise_order(order_payload("20261201-0000013", member_id="")))
    assert other.customer == by_email


def test_an_order_links_by_phone_identity_and_never_creates_a_customer(shop: Shop) -> None:
    known = Customer.objects.create(name="전화")
    Identity.objects.create(customer=known, channel=Channel.SMS, external_id="01012345678")
    assert sync.store_order(shop, normalise_order(order_payload(member_id="", email=""))).customer == known
    unknown = order_payload("20261201-0000014", member_id="", email="x@y.kr", cellphone="")
    stranger = sync.store_order(shop, normalise_order(unknown))
    assert stranger.customer is None
    assert Customer.objects.count() == 1


def test_a_customer_met_later_claims_their_stored_orders(shop: Shop) -> None:
    stored = sync.store_order(shop, normalise_order(order_payload(member_id="")))
    assert stored.customer is None
    customer = Customer.objects.create(name="김수", email="soo@example.com")
    assert claim_orders_for(customer) == 1
    stored.refresh_from_db()
    assert stored.customer == customer


def test_a_sync_polls_from_the_cursor_in_windows_of_at_most_24_hours(cafe24: FakeCafe24, shop: Shop) -> None:
    cafe24.add_order(order_payload(updated="2026-12-05T12:00:00+09:00"))
    Shop.objects.filter(pk=shop.pk).update(sync_cursor=NOW - timedelta(days=3))
    shop.refresh_from_db()
    assert sync.sync_shop(shop, now=NOW) == 1
    windows = [urllib.parse.parse_qs(r.path.split("?")[1]) for r in cafe24.to("/api/v2/admin/orders")]
    assert len(windows) == 3  # 72 hours less the settling 30 seconds
    for window in windows:
        start, end = (datetime.fromisoformat(window[key][0]) for key in ("start_date", "end_date"))
        assert timedelta(0) < end - start <= timedelta(hours=24)
    shop.refresh_from_db()
    assert shop.sync_cursor == NOW - sync.SETTLE
    assert shop.last_synced_at == NOW
    assert Order.objects.get().number == "20261201-0000012"


def test_an_outage_marks_the_shop_unavailable_keeps_the_orders_and_clears_on_success(
    cafe24: FakeCafe24, shop: Shop
) -> None:
    sync.store_order(shop, normalise_order(order_payload()))
    an_hour_ago = NOW - timedelta(hours=1)
    Shop.objects.filter(pk=shop.pk).update(last_synced_at=an_hour_ago, sync_cursor=an_hour_ago)
    shop.refresh_from_db()
    cafe24.script("/api/v2/admin/orders", (503, {}, b"maintenance"))
    with pytest.raises(ProviderUnavailable):
        sync.sync_shop(shop, now=NOW)
    shop.refresh_from_db()
    assert shop.unavailable_since is not None
    assert not shop.available
    assert "HTTP 503" in shop.last_error
    assert shop.last_synced_at == NOW - timedelta(hours=1)  # "unavailable, last synced at …"
    assert Order.objects.filter(shop=shop).count() == 1
    sync.sync_shop(shop, now=NOW + timedelta(minutes=10))
    shop.refresh_from_db()
    assert shop.available
    assert shop.last_error == ""
    assert shop.last_synced_at == NOW + timedelta(minutes=10)


def test_one_shop_failing_never_stops_the_others_and_demo_shops_are_never_called(cafe24: FakeCafe24) -> None:
    down = connected_shop(cafe24, slug="down")
    Shop.objects.filter(pk=down.pk).update(base_url="http://127.0.0.1:9", sync_cursor=NOW - timedelta(hours=1))
    up = connected_shop(cafe24, slug="up")
    Shop.objects.filter(pk=up.pk).update(sync_cursor=NOW - timedelta(hours=1))
    demo = connected_shop(cafe24, slug="demo", demo=True)
    cafe24.add_order(order_payload(updated="2026-12-07T11:40:00+09:00"))
    results = sync.sync_all_shops(now=NOW)
    assert results == {"down": None, "up": 1}
    assert Shop.objects.get(pk=down.pk).unavailable_since is not None
    assert Shop.objects.get(pk=demo.pk).last_synced_at is None


def test_find_order_reads_the_store_first_then_asks_the_shops(cafe24: FakeCafe24, shop: Shop) -> None:
    cafe24.add_order(order_payload())
    found = sync.find_order("20261201-0000012")
    assert found is not None
    assert found.shop == shop
    assert sync.find_order("20261201-0000012") == found
    assert len(cafe24.to("/api/v2/admin/orders/20261201-0000012")) == 1
    assert sync.find_order("20261201-0000099") is None


def test_find_order_during_an_outage_answers_none_and_marks_the_shop(cafe24: FakeCafe24, shop: Shop) -> None:
    cafe24.script("/api/v2/admin/orders/20261201-0000012", (500, {}, b"oops"))
    assert sync.find_order("20261201-0000012") is None
    shop.refresh_from_db()
    assert shop.unavailable_since is not None
    assert timezone.now() - shop.unavailable_since < timedelta(minutes=1)
