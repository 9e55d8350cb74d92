"""The outage state through each connector, not only Cafe24's (issue 16: "the outage state" in every contract):
a provider that answers 503 during the sync marks its shop unavailable with the reason, keeps the last sync
time the panel shows ("unavailable, last synced at …"), and the next successful sync clears it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from soridam.orders import sync
from soridam.orders.models import Shop
from soridam.orders.naver.tests import test_contract as naver
from soridam.orders.naver.tests.fakenaver import FakeNaver, _error
from soridam.orders.providers import ProviderUnavailable
from soridam.orders.shopify.tests import test_contract as shopify
from soridam.orders.shopify.tests.fakeshopify import FakeShopify, _json

pytestmark = pytest.mark.django_db
LAST_SYNC = datetime.now(UTC) - timedelta(hours=1)
NAVER_CHANGES = "/v1/pay-order/seller/product-orders/last-changed-statuses"


def _naver_down(fake: FakeNaver) -> None:
    fake.script(NAVER_CHANGES, _error(503, "GW.UNAVAILABLE", "점검 중"))


def _shopify_down(fake: FakeShopify) -> None:
    fake.script(_json(503, {"errors": "Service Unavailable"}))


@pytest.mark.parametrize(
    ("server", "make_shop", "go_down"),
    [(FakeNaver, naver.make_shop, _naver_down), (FakeShopify, shopify.make_shop, _shopify_down)],
    ids=["naver", "shopify"],
)
def test_an_outage_marks_the_shop_unavailable_and_the_next_sync_clears_it(
    server: Callable[[], FakeNaver | FakeShopify],
    make_shop: Callable[[str], Shop],
    go_down: Callable[..., None],
) -> None:
    with server() as fake:
        shop = make_shop(fake.url)
        Shop.objects.filter(pk=shop.pk).update(last_synced_at=LAST_SYNC, sync_cursor=LAST_SYNC)
        shop.refresh_from_db()
        go_down(fake)
        with pytest.raises(ProviderUnavailable):
            sync.sync_shop(shop)
        shop.refresh_from_db()
        assert not shop.available
        assert "503" in shop.last_error
        assert shop.last_synced_at == LAST_SYNC  # what the panel says it last had
        sync.sync_shop(shop)
        shop.refresh_from_db()
        assert shop.available
        assert shop.last_error == ""
        assert shop.last_synced_at is not None
        assert shop.last_synced_at > LAST_SYNC
