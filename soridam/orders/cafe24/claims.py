"""Refunds and exchanges on Cafe24 that happen once per idempotency key.

Cafe24's claim calls (``POST /api/v2/admin/cancellation``, ``/return``, ``/exchange``) take no key of ours,
so the key lives here (``orders.ClaimRequest``):
- the row and its attempt are committed before the call; a key already answered returns the stored claim;
- a key whose call is under way (its lease, ``ledger.LEASE``, has not run out) is refused as "try again later",
  so two workers never send the same request side by side;
- a key tried before without an answer (the answer was lost: a timeout, a crash) first looks on the order
  for a claim on the same lines that no key of ours holds yet, and takes it instead of asking again.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from soridam.orders import ledger
from soridam.orders.models import ClaimRequest
from soridam.orders.providers import ClaimResult, NormalisedOrder, ProviderRefused

if TYPE_CHECKING:
    from soridam.orders.cafe24.provider import Cafe24Provider

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
    record = ledger.begin(provider.shop, order.external_id, kind, amount, key)
    if record.external_id:
        return ledger.result(record)
    if record.attempts > 1:  # tried before without an answer: the claim may be on the shop already
        lines = [item["order_item_code"] for item in request["items"]]
        adopted = _claim_on_shop(provider, order, lines, _CLAIM_PREFIX[endpoint])
        if adopted is not None:
            return ledger.answered(record, adopted, status="adopted", raw={})
    body = {"shop_no": int(provider.shop.options.get("shop_no") or 1), "requests": [request]}
    # When the call fails (answered or not) the lease ends: a retry may start now, and looks on the shop first.
    with ledger.attempt(record):
        answer = provider.call("POST", f"/{endpoint}", body=body, what=f"Cafe24 {endpoint}")
    entries = answer.get(endpoint) if isinstance(answer, dict) else None
    first = entries[0] if isinstance(entries, list) and entries and isinstance(entries[0], dict) else {}
    if not first.get("claim_code"):
        raise ProviderRefused(f"Cafe24 {endpoint}: the answer names no claim")
    return ledger.answered(record, str(first["claim_code"]), status=str(first.get("status") or ""), raw=answer)


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
