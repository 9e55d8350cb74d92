"""Refunds and exchanges once per idempotency key, for connectors whose vendor keeps no key of ours (or
keeps it only for a while): the key's ``orders.ClaimRequest`` row, committed before the vendor call.

- ``begin`` counts the attempt and takes a lease on the key (``LEASE``): a key already answered comes back
  with its ``external_id`` set (return ``result``), a key whose call is under way is refused as "try again
  later", so two workers never send the same request side by side;
- ``remember`` stores, before the call, what the attempt targets (Naver: the product orders), so a retry
  after a lost answer finishes that attempt instead of choosing again;
- ``attempt`` ends the lease when the call fails, so a retry may start at once;
- ``answered`` stores the vendor's claim id and returns the ``ClaimResult``.

Every connector keeps its keys here: Cafe24 (``cafe24/claims.py``), Naver Commerce and Shopify.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from soridam.orders.models import ClaimRequest, Shop
from soridam.orders.providers import ClaimResult, ProviderError, ProviderRefused, ProviderUnavailable

LEASE = timedelta(seconds=90)  # longer than one call with its 429 and throttle waits


def begin(shop: Shop, order_external_id: str, kind: str, amount: Decimal | None, key: str) -> ClaimRequest:
    """The key's row, its attempt counted and leased (committed before the call when not nested)."""
    with transaction.atomic():
        record, _created = ClaimRequest.objects.get_or_create(
            shop=shop,
            idempotency_key=key,
            defaults={"order_external_id": order_external_id, "kind": kind, "amount": amount},
        )
        record = ClaimRequest.objects.select_for_update().get(pk=record.pk)
        if record.order_external_id != order_external_id or record.kind != kind:
            raise ProviderRefused("this idempotency key was used for another request")
        if record.external_id:
            return record
        now = timezone.now()
        if record.attempted_at is not None and record.attempted_at + LEASE > now:
            raise ProviderUnavailable("a call with this idempotency key is under way", retry_after=LEASE.seconds)
        ClaimRequest.objects.filter(pk=record.pk).update(attempts=F("attempts") + 1, attempted_at=now)
        record.refresh_from_db()
        return record


def remember(record: ClaimRequest, **raw: Any) -> None:
    record.raw = {**(record.raw or {}), **raw}
    record.save(update_fields=["raw"])


@contextmanager
def attempt(record: ClaimRequest) -> Iterator[None]:
    """The vendor call(s) of one attempt; when they fail, the lease ends so a retry may start now."""
    try:
        yield
    except ProviderError:
        ClaimRequest.objects.filter(pk=record.pk).update(attempted_at=None)
        raise


def answered(record: ClaimRequest, external_id: str, *, status: str, raw: dict[str, Any]) -> ClaimResult:
    record.external_id = external_id[:100]
    record.status = status[:40]
    record.raw = {**(record.raw or {}), **raw}
    record.answered_at = timezone.now()
    record.save(update_fields=["external_id", "status", "raw", "answered_at"])
    return result(record)


def result(record: ClaimRequest) -> ClaimResult:
    return ClaimResult(external_id=record.external_id, status=record.status, amount=record.amount, raw=record.raw)
