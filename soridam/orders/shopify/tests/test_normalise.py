"""Shopify order fields → our status: the mapping table, pinned."""

from __future__ import annotations

from typing import Any

import pytest

from soridam.orders.models import OrderStatus as S
from soridam.orders.shopify.normalise import normalise, order_status

DELIVERED = [{"displayStatus": "DELIVERED"}]
IN_TRANSIT = [{"displayStatus": "IN_TRANSIT"}]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"displayFinancialStatus": "PENDING"}, S.PENDING_PAYMENT),
        ({"displayFinancialStatus": "PARTIALLY_PAID"}, S.PENDING_PAYMENT),
        ({"displayFinancialStatus": "AUTHORIZED", "displayFulfillmentStatus": "UNFULFILLED"}, S.PAID),
        ({"displayFinancialStatus": "PAID", "displayFulfillmentStatus": "UNFULFILLED"}, S.PAID),
        ({"displayFinancialStatus": "PAID", "displayFulfillmentStatus": "IN_PROGRESS"}, S.PREPARING),
        ({"displayFinancialStatus": "PAID", "displayFulfillmentStatus": "ON_HOLD"}, S.PREPARING),
        ({"displayFulfillmentStatus": "PARTIALLY_FULFILLED", "fulfillments": IN_TRANSIT}, S.SHIPPED),
        ({"displayFulfillmentStatus": "FULFILLED", "fulfillments": IN_TRANSIT}, S.SHIPPED),
        ({"displayFulfillmentStatus": "FULFILLED", "fulfillments": DELIVERED}, S.DELIVERED),
        ({"displayFinancialStatus": "REFUNDED", "displayFulfillmentStatus": "FULFILLED"}, S.REFUNDED),
        ({"displayFinancialStatus": "PARTIALLY_REFUNDED", "fulfillments": DELIVERED}, S.PARTIALLY_REFUNDED),
        ({"displayFinancialStatus": "VOIDED"}, S.CANCELLED),
        ({"displayFinancialStatus": "EXPIRED"}, S.CANCELLED),
        ({"cancelledAt": "2026-12-02T00:00:00Z", "displayFinancialStatus": "REFUNDED"}, S.CANCELLED),
        ({"returnStatus": "RETURN_REQUESTED", "displayFulfillmentStatus": "FULFILLED"}, S.RETURN_REQUESTED),
        ({"returnStatus": "IN_PROGRESS", "displayFinancialStatus": "PARTIALLY_REFUNDED"}, S.RETURN_REQUESTED),
        ({"returnStatus": "RETURNED", "displayFulfillmentStatus": "FULFILLED"}, S.RETURNED),
    ],
)
def test_shopify_statuses_map_to_ours(fields: dict[str, Any], expected: S) -> None:
    assert order_status({"displayFinancialStatus": "PAID", **fields}) == expected


def test_an_open_return_with_exchange_lines_is_an_exchange_request() -> None:
    node = {
        "id": "gid://shopify/Order/1",
        "name": "#1",
        "createdAt": "2026-12-01T00:00:00Z",
        "displayFinancialStatus": "PAID",
        "returnStatus": "IN_PROGRESS",
        "returns": {"nodes": [{"id": "R", "status": "OPEN", "exchangeLineItems": {"nodes": [{"id": "E"}]}}]},
        "refunds": [{"id": "F", "note": "dent", "totalRefundedSet": {"shopMoney": {"amount": "5000.0"}}}],
    }
    order = normalise(node)
    assert order.status == S.EXCHANGE_REQUESTED
    assert [(claim.kind, claim.external_id) for claim in order.claims] == [("refund", "F"), ("exchange", "R")]
    assert str(order.claims[0].amount) == "5000.0"
