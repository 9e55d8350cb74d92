"""The Shop admin: secrets are write-only, and "sync now" syncs the chosen shops."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from soridam.accounts.models import User
from soridam.orders.cafe24.tests.fake import FakeCafe24, order_payload
from soridam.orders.models import Order, Shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(root: User) -> Client:
    client = Client()
    client.force_login(root)
    return client


def test_the_shop_page_never_shows_a_stored_secret_and_an_empty_field_keeps_it(
    admin_client: Client, shop: Shop
) -> None:
    page = admin_client.get(f"/admin/orders/shop/{shop.pk}/change/").content.decode()
    for secret in (shop.client_secret, shop.access_token, shop.refresh_token):
        assert secret not in page
    assert "/orders/cafe24/" in page  # the "connect to Cafe24" button
    form = {
        "provider": "cafe24",
        "name": "Linen & Co.",
        "slug": shop.slug,
        "base_url": shop.base_url,
        "client_id": shop.client_id,
        "client_secret": "",
        "access_token": "",
        "refresh_token": "",
        "options": '{"mall_id": "demo"}',
        "active": "on",
    }
    assert admin_client.post(f"/admin/orders/shop/{shop.pk}/change/", form).status_code == 302
    saved = Shop.objects.get(pk=shop.pk)
    assert saved.name == "Linen & Co."
    assert saved.client_secret == shop.client_secret
    assert saved.refresh_token == shop.refresh_token


def test_sync_now_syncs_the_selected_shops(
    admin_client: Client, shop: Shop, cafe24: FakeCafe24, django_capture_on_commit_callbacks: object
) -> None:
    an_hour_ago = (timezone.now() - timedelta(hours=1)).isoformat(timespec="seconds")
    cafe24.add_order(order_payload(updated=an_hour_ago))
    Shop.objects.filter(pk=shop.pk).update(sync_cursor=None)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        answer = admin_client.post(
            "/admin/orders/shop/", {"action": "sync_now", "_selected_action": [shop.pk]}, follow=True
        )
    assert answer.status_code == 200
    assert Order.objects.filter(shop=shop).count() == 1
    assert Shop.objects.get(pk=shop.pk).last_synced_at is not None


def test_an_agent_cannot_open_the_shop_admin(alice_client: Client, shop: Shop) -> None:
    assert alice_client.get(f"/admin/orders/shop/{shop.pk}/change/").status_code == 302  # to the admin login
