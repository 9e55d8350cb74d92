"""Naver product orders → our statuses, amounts and claims: the mapping tables, pinned."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from soridam.orders.models import OrderStatus as S
from soridam.orders.naver.normalise import group_orders, order_status, product_order_status


def entry(status: str, claim_type: str = "", claim_status: str = "", **fields: Any) -> dict[str, Any]:
    product_order = {"productOrderId": "1", "productOrderStatus": status, "totalPaymentAmount": 10000, **fields}
    if claim_type:
        product_order.update(claimType=claim_type, claimStatus=claim_status, claimId="C1")
    return {"order": {"orderId": "O1", "orderDate": "2026-12-01T09:00:00.000+09:00"}, "productOrder": product_order}


@pytest.mark.parametrize(
    ("status", "claim_type", "claim_status", "place_order", "expected"),
    [
        ("PAYMENT_WAITING", "", "", "", S.PENDING_PAYMENT),
        ("PAYED", "", "", "NOT_YET", S.PAID),
        ("PAYED", "", "", "OK", S.PREPARING),
        ("DELIVERING", "", "", "OK", S.SHIPPED),
        ("DELIVERED", "", "", "OK", S.DELIVERED),
        ("PURCHASE_DECIDED", "", "", "OK", S.DELIVERED),
        ("EXCHANGED", "EXCHANGE", "EXCHANGE_DONE", "OK", S.EXCHANGED),
        ("CANCELED", "CANCEL", "CANCEL_DONE", "", S.CANCELLED),
        ("CANCELED_BY_NOPAYMENT", "", "", "", S.CANCELLED),
        ("RETURNED", "RETURN", "RETURN_DONE", "OK", S.RETURNED),
        ("DELIVERED", "RETURN", "RETURN_REQUEST", "OK", S.RETURN_REQUESTED),
        ("DELIVERED", "RETURN", "COLLECTING", "OK", S.RETURN_REQUESTED),
        ("DELIVERED", "RETURN", "COLLECT_DONE", "OK", S.RETURN_REQUESTED),
        ("DELIVERED", "RETURN", "RETURN_REJECT", "OK", S.DELIVERED),
        ("DELIVERED", "EXCHANGE", "EXCHANGE_REQUEST", "OK", S.EXCHANGE_REQUESTED),
        ("DELIVERED", "EXCHANGE", "EXCHANGE_REDELIVERING", "OK", S.EXCHANGE_REQUESTED),
        ("PAYED", "CANCEL", "CANCEL_REQUEST", "NOT_YET", S.PAID),
    ],
)
def test_a_product_orders_status_maps_to_ours(
    status: str, claim_type: str, claim_status: str, place_order: str, expected: S
) -> None:
    assert product_order_status(entry(status, claim_type, claim_status, placeOrderStatus=place_order)) == expected


@pytest.mark.parametrize(
    ("statuses", "refunded", "expected"),
    [
        ([S.PAID, S.SHIPPED], 0, S.PAID),
        ([S.DELIVERED, S.SHIPPED], 0, S.SHIPPED),
        ([S.DELIVERED, S.RETURN_REQUESTED], 0, S.RETURN_REQUESTED),
        ([S.EXCHANGE_REQUESTED, S.DELIVERED], 0, S.EXCHANGE_REQUESTED),
        ([S.CANCELLED, S.CANCELLED], 20000, S.CANCELLED),
        ([S.CANCELLED, S.RETURNED], 20000, S.RETURNED),
        ([S.EXCHANGED, S.DELIVERED], 0, S.DELIVERED),
        ([S.EXCHANGED], 0, S.EXCHANGED),
        ([S.CANCELLED, S.DELIVERED], 10000, S.PARTIALLY_REFUNDED),
    ],
)
def test_an_orders_status_follows_its_product_orders(statuses: list[S], refunded: int, expected: S) -> None:
    assert order_status(statuses, refunded=Decimal(refunded)) == expected


def test_amounts_count_a_bundles_delivery_fee_once_and_what_went_back() -> None:
    lines = [
        entry("DELIVERED", productOrderId="A", packageNumber="P", deliveryFeeAmount=3000),
        entry("DELIVERED", productOrderId="B", packageNumber="P", deliveryFeeAmount=3000),
        entry("CANCELED", "CANCEL", "CANCEL_DONE", productOrderId="C", packageNumber="Q", deliveryFeeAmount=0),
        entry("DELIVERED", productOrderId="D", initialPaymentAmount=10000, remainPaymentAmount=6000),
    ]
    (order,) = group_orders(lines)
    assert order.total == Decimal(43000)
    assert order.refunded_total == Decimal(14000)
    assert order.status == S.PARTIALLY_REFUNDED
    assert [(claim.kind, claim.status, claim.external_id) for claim in order.claims] == [
        ("cancel", "CANCEL_DONE", "C1")
    ]
    assert order.raw["productOrders"][0]["productOrder"]["productOrderId"] == "A"
