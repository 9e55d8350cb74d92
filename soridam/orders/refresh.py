"""One stored order brought up to date from its shop before someone is told its status (R-CRM-4).

The bot answers from ``orders.Order``; when the stored copy is older than ``STALE_AFTER`` and the shop is
reachable, it asks the shop's connector for the order again. A provider that cannot be reached marks the
shop unavailable and leaves the stored copy as it was: the answer then says when it was last synced, and the
conversation goes on. A stand-in until ``orders.sync`` (branch orders-cafe24) offers the same for one order.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.utils import timezone

from soridam.customers.phones import canonical_phone
from soridam.orders.models import Order, Shop
from soridam.orders.providers import NormalisedOrder, ProviderError, ProviderRefused, as_json, provider_for

logger = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=5)
ERROR_LENGTH = 300


def refresh_if_stale(order: Order, *, stale_after: timedelta = STALE_AFTER) -> bool:
    """Fetch ``order`` from its shop when the stored copy is stale; True when the stored copy is current
    (fresh already, or refreshed now), False when the answer must say "last synced at …"."""
    shop = order.shop
    if timezone.now() - order.synced_at < stale_after:
        return True
    if not shop.active or not shop.available or shop.options.get("demo"):
        return False  # a demo shop (orders-cafe24's seed) has no server to ask
    try:
        fetched = provider_for(shop).fetch_order(order.number)
    except ProviderRefused:
        return False  # the shop no longer knows the number: keep what we had
    except (ProviderError, KeyError) as error:  # KeyError: no connector registered for the shop's provider
        _mark_unavailable(shop, error)
        return False
    if fetched is None or fetched.external_id != order.external_id:
        return False
    store_fetched(order, fetched)
    return True


def store_fetched(order: Order, fetched: NormalisedOrder) -> None:
    fields = _stored_fields(fetched)
    for name, value in fields.items():
        setattr(order, name, value)
    order.save(update_fields=list(fields))


def _stored_fields(fetched: NormalisedOrder) -> dict[str, Any]:
    return {
        "status": fetched.status,
        "currency": fetched.currency,
        "total": fetched.total,
        "paid_total": fetched.paid_total,
        "refunded_total": fetched.refunded_total,
        "payment_method": fetched.payment_method,
        "paid_at": fetched.paid_at,
        "delivered_at": fetched.delivered_at,
        "buyer_name": fetched.buyer.name,
        "buyer_email": fetched.buyer.email,
        "buyer_phone": canonical_phone(fetched.buyer.phone) if fetched.buyer.phone else "",
        "items": [as_json(line) for line in fetched.items],
        "shipments": [as_json(shipment) for shipment in fetched.shipments],
        "claims": [as_json(claim) for claim in fetched.claims],
        "raw": fetched.raw,
        "synced_at": timezone.now(),
    }


def _mark_unavailable(shop: Shop, error: Exception) -> None:
    # The error's text is the connector's (status codes, endpoints), never the buyer's data.
    logger.warning("shop unavailable", extra={"shop": shop.slug, "error": type(error).__name__})
    Shop.objects.filter(pk=shop.pk, unavailable_since__isnull=True).update(unavailable_since=timezone.now())
    Shop.objects.filter(pk=shop.pk).update(last_error=str(error)[:ERROR_LENGTH])
    shop.refresh_from_db(fields=["unavailable_since", "last_error"])
