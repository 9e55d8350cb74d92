"""Refunds and exchanges on Shopify.

Refund: ``refundCreate`` with one ``REFUND`` transaction against the order's captured payment (its
``SALE`` or ``CAPTURE`` transaction as ``parentId``), ``notify: false`` (we tell the customer ourselves
through ``notify_customer``). Never twice, three ways: the key's ``ClaimRequest`` (``orders/ledger.py``);
Shopify's ``@idempotent(key:)`` directive, which returns the first refund for a retried key; and the refund's
note, which carries ``[soridam:<key>]`` so that a retry (even past Shopify's idempotency window) first looks
for a refund that already landed.

Exchange: ``returnCreate`` with the order's fulfilled lines as ``returnLineItems`` and the same variants as
``exchangeLineItems`` (a like-for-like replacement; Shopify creates the return OPEN and a fulfillment order
for the new items). ``returnCreate`` has no idempotency directive, so a retry looks for an open return of
the same lines before it creates one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from soridam.orders import ledger
from soridam.orders.providers import ClaimResult, NormalisedOrder, ProviderRefused
from soridam.orders.shopify import queries
from soridam.orders.shopify.normalise import OPEN_RETURN_STATUSES, money

if TYPE_CHECKING:
    from soridam.orders.shopify.provider import ShopifyProvider

PAYMENT_KINDS = frozenset({"SALE", "CAPTURE"})


def refund(
    provider: ShopifyProvider, order: NormalisedOrder, amount: Decimal, *, reason: str, idempotency_key: str
) -> ClaimResult:
    record = ledger.begin(provider.shop, order.external_id, "refund", amount, idempotency_key)
    if record.external_id:
        return ledger.result(record)
    marker = f"[soridam:{idempotency_key}]"
    with ledger.attempt(record):
        node = provider.order_node(order.external_id)
        landed = next((item for item in node.get("refunds") or [] if marker in str(item.get("note") or "")), None)
        if landed is None:
            note = f"{reason[:200]} {marker}".strip()
            landed = _create_refund(provider, node, amount, note=note, key=idempotency_key)
    return ledger.answered(record, str(landed.get("id", "")), status="refunded", raw=dict(landed))


def request_exchange(
    provider: ShopifyProvider, order: NormalisedOrder, lines: list[str], *, reason: str, idempotency_key: str
) -> ClaimResult:
    record = ledger.begin(provider.shop, order.external_id, "exchange", None, idempotency_key)
    if record.external_id:
        return ledger.result(record)
    with ledger.attempt(record):
        node = provider.order_node(order.external_id)
        opened = _open_return_of(node, lines) or _create_exchange(provider, node, lines, reason=reason)
    return ledger.answered(record, str(opened.get("id", "")), status=str(opened.get("status", "")), raw=dict(opened))


def _create_refund(
    provider: ShopifyProvider, node: Mapping[str, Any], amount: Decimal, *, note: str, key: str
) -> Mapping[str, Any]:
    refundable = money(node.get("totalReceivedSet")) - money(node.get("totalRefundedSet"))
    if amount <= 0 or amount > refundable:
        raise ProviderRefused(f"Shopify refund of {amount}: only {refundable} of this order can still be refunded")
    parent = next(
        (
            item
            for item in node.get("transactions") or []
            if item.get("kind") in PAYMENT_KINDS and item.get("status") == "SUCCESS"
        ),
        None,
    )
    if parent is None:
        raise ProviderRefused("Shopify refund: the order has no captured payment to refund")
    refund_input = {
        "orderId": node["id"],
        "note": note,
        "notify": False,
        "transactions": [
            {
                "orderId": node["id"],
                "gateway": parent.get("gateway"),
                "kind": "REFUND",
                "amount": str(amount),
                "parentId": parent.get("id"),
            }
        ],
    }
    mutation = queries.REFUND_CREATE % json.dumps(key)
    payload = provider.client.graphql(mutation, {"input": refund_input}, what="refundCreate").get("refundCreate") or {}
    _refuse_user_errors("refundCreate", payload)
    return dict(payload.get("refund") or {})


def _create_exchange(
    provider: ShopifyProvider, node: Mapping[str, Any], lines: list[str], *, reason: str
) -> Mapping[str, Any]:
    fulfilled = {
        str(item["lineItem"]["id"]): item
        for fulfillment in node.get("fulfillments") or []
        for item in (fulfillment.get("fulfillmentLineItems") or {}).get("nodes", [])
        if item.get("lineItem")
    }
    variants = {str(item["id"]): item for item in (node.get("lineItems") or {}).get("nodes", [])}
    missing = [line for line in lines if line not in fulfilled or not (variants.get(line) or {}).get("variant")]
    if not lines or missing:
        raise ProviderRefused(f"Shopify exchanges take fulfilled lines with a variant; not so: {', '.join(missing)}")
    return_input = {
        "orderId": node["id"],
        "returnLineItems": [
            {
                "fulfillmentLineItemId": fulfilled[line]["id"],
                "quantity": fulfilled[line]["quantity"],
                "returnReasonNote": reason[:255],
            }
            for line in lines
        ],
        "exchangeLineItems": [
            {"variantId": variants[line]["variant"]["id"], "quantity": fulfilled[line]["quantity"]} for line in lines
        ],
    }
    payload = provider.client.graphql(queries.RETURN_CREATE, {"returnInput": return_input}, what="returnCreate")
    created = payload.get("returnCreate") or {}
    _refuse_user_errors("returnCreate", created)
    return dict(created.get("return") or {})


def _open_return_of(node: Mapping[str, Any], lines: list[str]) -> Mapping[str, Any] | None:
    """An open return with exchange lines that covers exactly these order lines (a retry of our own)."""
    for item in (node.get("returns") or {}).get("nodes", []):
        returned = {
            str(((entry.get("fulfillmentLineItem") or {}).get("lineItem") or {}).get("id"))
            for entry in (item.get("returnLineItems") or {}).get("nodes", [])
        }
        exchanging = (item.get("exchangeLineItems") or {}).get("nodes")
        if item.get("status") in OPEN_RETURN_STATUSES and exchanging and returned == set(lines):
            return dict(item)
    return None


def _refuse_user_errors(what: str, payload: Mapping[str, Any]) -> None:
    errors = [error for error in payload.get("userErrors") or [] if isinstance(error, dict)]
    if errors:
        raise ProviderRefused(f"Shopify {what}: " + "; ".join(str(error.get("message", "")) for error in errors))
