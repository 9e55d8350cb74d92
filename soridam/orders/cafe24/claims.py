"""Refunds and exchanges on Cafe24 that happen once per idempotency key.

Cafe24's claim calls (``POST /api/v2/admin/cancellation``, ``/return``, ``/exchange``) take no key of ours,
so the key lives here (``orders.ClaimRequest``):
- the row and its attempt are committed before the call; a key already answered returns the stored claim;
- a key whose call is under way (its lease, ``LEASE``, has not run out) is refused as "try again later",
  so two workers never send the same request side by side;
- a key tried before without an answer (the answer was lost: a timeout, a crash) first looks on the order
  for a claim on the same lines that no key of ours holds yet, and takes it instead of asking again.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from soridam.orders.models import ClaimRequest
from soridam.orders.providers import (
    ClaimResult,
    NormalisedOrder,
    ProviderError,
    ProviderRefused,
    ProviderUnavailable,
)

if TYPE_CHECKING:
    from soridam.orders.cafe24.provider import Cafe24Provider

LEASE = timedelta(seconds=90)  # longer than one call with its 429 retries (orders.http)
_CLAIM_PREFIX = {"cancellation": "C", "return": "R", "exchange": "E"}


def once(
    provider: Cafe24Provider,
    order: NormalisedOrder,
    kind: str,
    amount: Decimal | None,
    key: str,
    *,
    endpoint: str,
    request: dict[str, Any],
) -> ClaimResult:
    record, earlier_attempts = _begin(provider, order, kind, amount, key)
    if record.external_id:
        return _result(record)
    if earlier_attempts:
        lines = [item["order_item_code"] for item in request["items"]]
        adopted = _claim_on_shop(provider, order, lines, _CLAIM_PREFIX[endpoint])
        if adopted is not None:
            return _answered(record, adopted, status="adopted", raw={})
    body = {"shop_no": int(provider.shop.options.get("shop_no") or 1), "requests": [request]}
    try:
        answer = provider.call("POST", f"/{endpoint}", body=body, what=f"Cafe24 {endpoint}")
    except ProviderError:
        # The call is over (answered or not): a retry may start now, and will look on the shop first.
        ClaimRequest.objects.filter(pk=record.pk).update(attempted_at=None)
        raise
    entries = answer.get(endpoint) if isinstance(answer, dict) else None
    first = entries[0] if isinstance(entries, list) and entries and isinstance(entries[0], dict) else {}
    if not first.get("claim_code"):
        raise ProviderRefused(f"Cafe24 {endpoint}: the answer names no claim")
    return _answered(record, str(first["claim_code"]), status=str(first.get("status") or ""), raw=answer)


def _begin(
    provider: Cafe24Provider, order: NormalisedOrder, kind: str, amount: Decimal | None, key: str
) -> tuple[ClaimRequest, int]:
    """The key's row, its attempt counted and leased (committed before the call when not nested)."""
    with transaction.atomic():
        record, _created = ClaimRequest.objects.get_or_create(
            shop=provider.shop,
            idempotency_key=key,
            defaults={"order_external_id": order.external_id, "kind": kind, "amount": amount},
        )
        record = ClaimRequest.objects.select_for_update().get(pk=record.pk)
        if record.order_external_id != order.external_id or record.kind != kind:
            raise ProviderRefused("this idempotency key was used for another request")
        if record.external_id:
            return record, record.attempts
        now = timezone.now()
        if record.attempted_at is not None and record.attempted_at + LEASE > now:
            raise ProviderUnavailable("a call with this idempotency key is under way", retry_after=LEASE.seconds)
        earlier = record.attempts
        ClaimRequest.objects.filter(pk=record.pk).update(attempts=F("attempts") + 1, attempted_at=now)
        return record, earlier


def _claim_on_shop(provider: Cafe24Provider, order: NormalisedOrder, lines: list[str], prefix: str) -> str | None:
    """A claim code on these lines, of this kind, that none of our keys holds: the lost call's claim."""
    fresh = provider.fetch_order(order.number)
    if fresh is None:
        return None
    known = set(
        ClaimRequest.objects.filter(shop=provider.shop).exclude(external_id="").values_list("external_id", flat=True)
    )
    for item in fresh.raw.get("items") or []:
        code = str(item.get("claim_code") or "")
        ours = item.get("order_item_code") in lines and str(item.get("order_status", "")).startswith(prefix)
        if ours and code and code not in known:
            return code
    return None


def _answered(record: ClaimRequest, claim_code: str, *, status: str, raw: dict[str, Any]) -> ClaimResult:
    record.external_id = claim_code
    record.status = status[:40]
    record.raw = raw
    record.answered_at = timezone.now()
    record.save(update_fields=["external_id", "status", "raw", "answered_at"])
    return _result(record)


def _result(record: ClaimRequest) -> ClaimResult:
    return ClaimResult(external_id=record.external_id, status=record.status, amount=record.amount, raw=record.raw)
