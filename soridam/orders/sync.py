"""Storing what a shop tells us about its orders, and keeping each shop's copy fresh (R-CRM-4).

``store_order`` upserts one ``NormalisedOrder`` (raw payload kept beside it) and links it to the customer
who placed it when we know them. ``sync_shop`` polls the shop's changes from its ``sync_cursor`` in windows
no longer than its connector's ``max_window``. When the shop cannot be reached (``ProviderUnavailable``) or
refuses our credentials (``ProviderAuthError``), the shop is marked unavailable with the error, everything
stored stays as it was, and the 360 panel says "unavailable, last synced at …"; the next success clears it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from soridam.customers.phones import canonical_phone
from soridam.orders.buyers import customer_for_buyer
from soridam.orders.models import Order, Shop
from soridam.orders.providers import (
    NormalisedOrder,
    ProviderAuthError,
    ProviderError,
    ProviderUnavailable,
    as_json,
    provider_for,
)

logger = logging.getLogger(__name__)

# How far back the first sync of a new shop reaches.
FIRST_SYNC_DAYS = 30
# A poll never runs past "now minus this": orders written in the last seconds may not be visible yet.
SETTLE = timedelta(seconds=30)
# Windows polled per sync run; a shop far behind catches up over the following runs.
MAX_WINDOWS_PER_RUN = 31


def store_order(shop: Shop, order: NormalisedOrder) -> Order:
    """Insert or update the shop's order with this external id; the customer link, once made, stays."""
    values = _order_fields(order)
    stored, created = Order.objects.update_or_create(shop=shop, external_id=order.external_id, defaults=values)
    if stored.customer_id is None:
        customer = customer_for_buyer(
            shop, shop_customer_id=stored.shop_customer_id, email=stored.buyer_email, phone=stored.buyer_phone
        )
        if customer is not None:
            stored.customer = customer
            stored.save(update_fields=["customer"])
    return stored


def store_orders(shop: Shop, orders: Iterable[NormalisedOrder]) -> int:
    count = 0
    for order in orders:
        store_order(shop, order)
        count += 1
    return count


def _order_fields(order: NormalisedOrder) -> dict[str, object]:
    buyer = order.buyer
    return {
        "number": order.number[:64],
        "status": order.status,
        "currency": order.currency,
        "total": order.total,
        "paid_total": order.paid_total,
        "refunded_total": order.refunded_total,
        "payment_method": order.payment_method[:60],
        "buyer_name": buyer.name[:120],
        "buyer_email": buyer.email.strip().lower()[:254],
        "buyer_phone": canonical_phone(buyer.phone)[:32],
        "shop_customer_id": buyer.shop_customer_id[:100],
        "placed_at": order.placed_at,
        "paid_at": order.paid_at,
        "delivered_at": order.delivered_at,
        "items": as_json(order.items),
        "shipments": as_json(order.shipments),
        "claims": as_json(order.claims),
        "raw": order.raw,
        "synced_at": timezone.now(),
    }


def sync_shop(shop: Shop, *, now: datetime | None = None) -> int:
    """Poll the shop's changed orders from its cursor up to now; the number of orders stored.

    Each window's orders and the cursor move in one transaction, so a failure mid-way keeps what earlier
    windows stored and the next run starts where this one stopped."""
    now = now or timezone.now()
    provider = provider_for(shop)
    since = shop.sync_cursor or now - timedelta(days=FIRST_SYNC_DAYS)
    until_all = now - SETTLE
    stored = 0
    try:
        for _window in range(MAX_WINDOWS_PER_RUN):
            if since >= until_all:
                break
            until = min(since + provider.max_window, until_all)
            with transaction.atomic():
                stored += store_orders(shop, provider.changed_orders(since, until))
                shop.sync_cursor = since = until
                shop.save(update_fields=["sync_cursor"])
    except (ProviderUnavailable, ProviderAuthError) as error:
        mark_unavailable(shop, error)
        raise
    mark_available(shop, synced_at=now)
    return stored


def mark_unavailable(shop: Shop, error: ProviderError) -> None:
    """The shop could not be reached: keep the first moment it failed and the latest reason."""
    Shop.objects.filter(pk=shop.pk, unavailable_since__isnull=True).update(unavailable_since=timezone.now())
    Shop.objects.filter(pk=shop.pk).update(last_error=str(error)[:300])
    shop.refresh_from_db(fields=["unavailable_since", "last_error"])
    logger.warning("shop %s unavailable: %s", shop.slug, type(error).__name__)


def mark_available(shop: Shop, *, synced_at: datetime | None = None) -> None:
    fields = {"unavailable_since": None, "last_error": ""}
    if synced_at is not None:
        fields["last_synced_at"] = synced_at  # type: ignore[assignment]
    Shop.objects.filter(pk=shop.pk).update(**fields)
    shop.refresh_from_db(fields=["unavailable_since", "last_error", "last_synced_at"])


def syncable_shops() -> list[Shop]:
    """Active shops the periodic sync polls; a demo shop (``options["demo"]``) is never called."""
    return [shop for shop in Shop.objects.filter(active=True).order_by("pk") if not shop.options.get("demo")]


def sync_all_shops(*, now: datetime | None = None) -> dict[str, int | None]:
    """Sync every active shop; one shop's failure (any error) never stops the others. Slug → orders stored,
    None for a shop that failed."""
    results: dict[str, int | None] = {}
    for shop in syncable_shops():
        try:
            results[shop.slug] = sync_shop(shop, now=now)
        except ProviderError:
            results[shop.slug] = None  # marked unavailable (or refused); the next run tries again
        except Exception:
            logger.exception("order sync of shop %s failed", shop.slug)
            results[shop.slug] = None
    return results


def find_order(number: str, *, fetch: bool = True) -> Order | None:
    """The stored order with this number, else (``fetch``) the first active shop that knows it, stored.

    A shop that cannot be reached is marked unavailable and skipped: a case never fails on an outage."""
    number = number.strip()
    if not number:
        return None
    stored = Order.objects.filter(number=number).order_by("-synced_at", "-pk").first()
    if stored is not None or not fetch:
        return stored
    for shop in syncable_shops():
        found = _fetch_from(shop, number)
        if found is not None:
            return found
    return None


def _fetch_from(shop: Shop, number: str) -> Order | None:
    try:
        fetched = provider_for(shop).fetch_order(number)
    except (ProviderUnavailable, ProviderAuthError) as error:
        mark_unavailable(shop, error)
        return None
    except ProviderError:
        return None  # refused: this shop has no such order
    if fetched is None:
        return None
    with transaction.atomic():
        return store_order(shop, fetched)
