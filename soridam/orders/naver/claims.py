"""Refunds and exchanges on Naver Commerce, which has no "refund an amount" call: money goes back when a
cancel or return claim on a product order completes (the payment system refunds on approval).

``refund`` therefore maps to the claim endpoints (``/v1/pay-order/seller/product-orders/{id}/claim/…``):
- a product order with the buyer's open cancel request (``CANCEL_REQUEST``) → ``cancel/approve``;
- one with an open return (``RETURN_REQUEST``, ``COLLECTING``, ``COLLECT_DONE``) → ``return/approve``;
- one not yet shipped (``PAYED``) and without a claim → ``cancel/request`` (the seller's cancellation, with a
  ``cancelReason`` code) then ``cancel/approve``;
- anything else (shipped with no return, already done) is refused: Naver has no other refund path.
Claims take whole product orders, so the amount must equal the product orders it refunds: those with an
open request, else every refundable one, else a single one. Anything else is refused, never rounded.

``request_exchange``: only the buyer can open an exchange (교환 요청) on Naver; the seller API processes one
(collect, re-dispatch, hold, reject). We report an exchange the buyer opened and refuse otherwise.

Idempotency: the key's ``ClaimRequest`` (``orders/ledger.py``) keeps the product orders it targets before any
call. A retry re-reads those product orders and only finishes what is unfinished; Naver itself ignores an
approval of a claim that is already done, and a product order can be cancelled or returned only once.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from soridam.orders import ledger
from soridam.orders.providers import ClaimResult, NormalisedOrder, ProviderRefused

if TYPE_CHECKING:
    from soridam.orders.naver.provider import NaverCommerceProvider

CLAIM_PATH = "/v1/pay-order/seller/product-orders/{id}/claim/{action}"
DONE_STATUSES = frozenset({"CANCELED", "RETURNED", "CANCELED_BY_NOPAYMENT"})
DONE_CLAIMS = frozenset({"CANCEL_DONE", "RETURN_DONE", "ADMIN_CANCEL_DONE"})
OPEN_CANCEL = frozenset({"CANCEL_REQUEST"})
OPEN_RETURN = frozenset({"RETURN_REQUEST", "COLLECTING", "COLLECT_DONE"})
OPEN_EXCHANGE = frozenset({"EXCHANGE_REQUEST", "COLLECTING", "COLLECT_DONE", "EXCHANGE_REDELIVERING", "EXCHANGE_DONE"})
# The seller's cancel request takes one of INTENT_CHANGED, COLOR_AND_SIZE, WRONG_ORDER, PRODUCT_UNSATISFIED,
# DELAYED_DELIVERY, SOLD_OUT, INCORRECT_INFO; a complaint-driven refund is "service unsatisfactory".
DEFAULT_CANCEL_REASON = "PRODUCT_UNSATISFIED"


def refund(
    provider: NaverCommerceProvider, order: NormalisedOrder, amount: Decimal, *, reason: str, idempotency_key: str
) -> ClaimResult:
    record = ledger.begin(provider.shop, order.external_id, "refund", amount, idempotency_key)
    if record.external_id:
        return ledger.result(record)
    with ledger.attempt(record):
        targets = list((record.raw or {}).get("productOrderIds") or [])
        if not targets:
            targets = choose_targets(provider.details(_product_order_ids(order)), amount)
            ledger.remember(record, productOrderIds=targets)
        for entry in provider.details(targets):
            _settle(provider, entry, reason=reason)
        settled = provider.details(targets)
    claim_ids = sorted({_claim_id(entry) for entry in settled} - {""})
    status = "refunded" if all(_refunded(entry) for entry in settled) else "processing"
    return ledger.answered(record, ",".join(claim_ids or targets), status=status, raw={"claimIds": claim_ids})


def request_exchange(
    provider: NaverCommerceProvider, order: NormalisedOrder, lines: list[str], *, reason: str, idempotency_key: str
) -> ClaimResult:
    record = ledger.begin(provider.shop, order.external_id, "exchange", None, idempotency_key)
    if record.external_id:
        return ledger.result(record)
    with ledger.attempt(record):
        entries = provider.details(lines)
        open_exchanges = [entry for entry in entries if _claim(entry) == ("EXCHANGE", True)]
        if not lines or len(open_exchanges) != len(lines):
            raise ProviderRefused(
                "Naver Commerce lets only the buyer open an exchange (교환 요청 in Naver Pay); "
                "ask the customer to request it, then it is processed here"
            )
    claim_ids = sorted({_claim_id(entry) for entry in open_exchanges} - {""})
    status = str(open_exchanges[0]["productOrder"].get("claimStatus", ""))
    return ledger.answered(record, ",".join(claim_ids), status=status, raw={"productOrderIds": lines})


def choose_targets(entries: list[dict[str, Any]], amount: Decimal) -> list[str]:
    """The product orders whose refund is exactly ``amount``: those the buyer asked to cancel or return,
    else all refundable ones, else one; refused when no such set exists."""
    refundable = [entry for entry in entries if not _refunded(entry) and _refundable(entry)]
    requested = [entry for entry in refundable if _claim(entry)[1] and _claim(entry)[0] in {"CANCEL", "RETURN"}]
    candidates = [requested, refundable, *([entry] for entry in refundable)]
    for chosen in candidates:
        if chosen and sum((_amount(entry) for entry in chosen), Decimal(0)) == amount:
            return [_id(entry) for entry in chosen]
    offers = ", ".join(f"{_id(entry)}: {_amount(entry)}" for entry in refundable) or "none"
    raise ProviderRefused(
        f"Naver Commerce refunds whole product orders through cancel and return claims; {amount} matches no "
        f"set of refundable product orders ({offers})"
    )


def _settle(provider: NaverCommerceProvider, entry: Mapping[str, Any], *, reason: str) -> None:
    """Move one product order's refund on by one claim call, or two for the seller's own cancellation."""
    if _refunded(entry):
        return
    product_order = entry["productOrder"]
    claim_type, claim_status = product_order.get("claimType"), product_order.get("claimStatus")
    if claim_type == "CANCEL" and claim_status in OPEN_CANCEL:
        _claim_call(provider, entry, "cancel/approve")
    elif claim_type == "RETURN" and claim_status in OPEN_RETURN:
        _claim_call(provider, entry, "return/approve")
    elif claim_status == "CANCELING":
        return  # approved already; Naver is refunding the payment
    elif product_order.get("productOrderStatus") == "PAYED" and _claim(entry) == ("", False):
        cancel_reason = provider.shop.options.get("naver_cancel_reason", DEFAULT_CANCEL_REASON)
        _claim_call(
            provider, entry, "cancel/request", {"cancelReason": cancel_reason, "cancelDetailedReason": reason[:500]}
        )
        _claim_call(provider, entry, "cancel/approve")
    else:
        raise ProviderRefused(
            f"Naver Commerce product order {_id(entry)} ({product_order.get('productOrderStatus')}) can be refunded "
            "only through the buyer's return request"
        )


def _claim_call(provider: NaverCommerceProvider, entry: Mapping[str, Any], action: str, body: object = None) -> None:
    product_order_id = _id(entry)
    data = provider.client.post(CLAIM_PATH.format(id=product_order_id, action=action), body) or {}
    failures = [info for info in data.get("failProductOrderInfos") or [] if isinstance(info, dict)]
    if failures and product_order_id not in (data.get("successProductOrderIds") or []):
        code, message = failures[0].get("code", ""), failures[0].get("message", "")
        raise ProviderRefused(f"Naver Commerce {action} {product_order_id}: {code} {message}".strip())


def _claim(entry: Mapping[str, Any]) -> tuple[str, bool]:
    """(claimType, whether that claim is open or done) for one product order; ("", False) when none."""
    product_order = entry.get("productOrder", {})
    claim_type, status = str(product_order.get("claimType") or ""), product_order.get("claimStatus")
    live = status in OPEN_CANCEL | OPEN_RETURN | OPEN_EXCHANGE | DONE_CLAIMS | {"CANCELING"}
    return (claim_type, True) if live else ("", False)


def _refunded(entry: Mapping[str, Any]) -> bool:
    product_order = entry.get("productOrder", {})
    return product_order.get("productOrderStatus") in DONE_STATUSES or product_order.get("claimStatus") in DONE_CLAIMS


def _refundable(entry: Mapping[str, Any]) -> bool:
    status = entry.get("productOrder", {}).get("productOrderStatus")
    return status not in {"PAYMENT_WAITING", "EXCHANGED", "PURCHASE_DECIDED"}


def _amount(entry: Mapping[str, Any]) -> Decimal:
    product_order = entry.get("productOrder", {})
    value = product_order.get("remainPaymentAmount", product_order.get("totalPaymentAmount"))
    return Decimal(str(value or 0))


def _id(entry: Mapping[str, Any]) -> str:
    return str(entry.get("productOrder", {}).get("productOrderId", ""))


def _claim_id(entry: Mapping[str, Any]) -> str:
    return str(entry.get("productOrder", {}).get("claimId") or "")


def _product_order_ids(order: NormalisedOrder) -> list[str]:
    return [line.external_id for line in order.items]
