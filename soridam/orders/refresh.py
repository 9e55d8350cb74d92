"""One stored order brought up to date from its shop before someone is told its status (R-CRM-4).

The bot answers from ``orders.Order``; when the stored copy is older than ``STALE_AFTER`` and the shop is
reachable, it asks the shop's connector for the order again and stores it as the sync does. A provider that
cannot be reached marks the shop unavailable and leaves the stored copy as it was: the answer then says when
it was last synced, and the conversation goes on.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from soridam.orders import sync
from soridam.orders.models import Order
from soridam.orders.providers import ProviderError, ProviderRefused, provider_for

STALE_AFTER = timedelta(minutes=5)


def refresh_if_stale(order: Order, *, stale_after: timedelta = STALE_AFTER) -> bool:
    """Fetch ``order`` from its shop when the stored copy is stale; True when the stored copy is current
    (fresh already, or refreshed now), False when the answer must say "last synced at …"."""
    shop = order.shop
    if timezone.now() - order.synced_at < stale_after:
        return True
    if not shop.active or not shop.available or shop.options.get("demo"):
        return False  # a demo shop has no server to ask
    try:
        fetched = provider_for(shop).fetch_order(order.number)
    except ProviderRefused:
        return False  # the shop no longer knows the number: keep what we had
    except ProviderError as error:
        sync.mark_unavailable(shop, error)
        return False
    except KeyError:  # no connector registered for the shop's provider
        return False
    if fetched is None or fetched.external_id != order.external_id:
        return False
    sync.store_order(shop, fetched)
    order.refresh_from_db()  # the caller's copy answers with what was just stored
    return True
