"""What we asked a shop to refund or exchange, by our idempotency key, kept in ``Shop.options["claim_ledger"]``.

A connector writes the entry *before* it calls the vendor (``state: "sent"`` with what it targeted) and
completes it after (``state: "done"`` with the vendor's answer). A repeated call with the same key then
returns the stored answer, or, when our first answer was lost in transit, re-checks the vendor for what
the first attempt targeted instead of choosing (and refunding) again. Each write holds the shop's row lock
only for the read-modify-write, never across the vendor call.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from soridam.orders.models import Shop

LEDGER = "claim_ledger"


def entry(shop: Shop, key: str) -> dict[str, Any] | None:
    """The ledger entry for ``key``, read fresh from the database."""
    options = Shop.objects.filter(pk=shop.pk).values_list("options", flat=True).first() or {}
    found = options.get(LEDGER, {}).get(key)
    return dict(found) if isinstance(found, dict) else None


def record(shop: Shop, key: str, value: dict[str, Any]) -> None:
    """Write ``value`` as the ledger entry for ``key`` (other keys and options stay as they are)."""
    with transaction.atomic():
        locked = Shop.objects.select_for_update().get(pk=shop.pk)
        options = dict(locked.options or {})
        ledger = dict(options.get(LEDGER, {}))
        ledger[key] = value
        options[LEDGER] = ledger
        locked.options = options
        locked.save(update_fields=["options"])
    shop.options = options
