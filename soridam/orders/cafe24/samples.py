"""Orders in the Cafe24 Admin API's shape (``embed=items,buyer,receivers``): what the fake Cafe24 of the
tests serves, and what the demo seed passes through the real normaliser."""

from __future__ import annotations

from typing import Any


def order_payload(
    order_id: str = "20261201-0000012",
    *,
    status: str = "N40",
    member_id: str = "sookim",
    email: str = "soo@example.com",
    cellphone: str = "010-1234-5678",
    placed: str = "2026-12-01T10:12:00+09:00",
    updated: str = "",
    prices: tuple[int, ...] = (42000,),
) -> dict[str, Any]:
    """One order in the Admin API's shape (``embed=items,buyer,receivers``)."""
    items = [
        {
            "item_no": index,
            "order_item_code": f"{order_id}-{index:02d}",
            "product_no": 10 + index,
            "product_code": f"P00000{index}A",
            "variant_code": f"P00000{index}A000A",
            "product_name": f"리넨 셔츠 {index}",
            "option_value": "색상=네이비, 사이즈=M",
            "quantity": 1,
            "product_price": f"{price}.00",
            "option_price": "0.00",
            "order_status": status,
            "status_text": "배송완료" if status == "N40" else "",
            "shipping_company_name": "CJ대한통운" if status in {"N30", "N40"} else "",
            "tracking_no": "612345678901" if status in {"N30", "N40"} else "",
            "shipped_date": "2026-12-02T09:00:00+09:00" if status in {"N30", "N40"} else None,
            "delivered_date": "2026-12-03T15:30:00+09:00" if status == "N40" else None,
            "claim_code": None,
        }
        for index, price in enumerate(prices, start=1)
    ]
    total = sum(prices) + 3000
    return {
        "shop_no": 1,
        "currency": "KRW",
        "order_id": order_id,
        "market_id": "self",
        "member_id": member_id,
        "member_email": email,
        "billing_name": "김수",
        "order_date": placed,
        "payment_date": placed if status != "N00" else None,
        "updated_date": updated or placed,
        "paid": "F" if status == "N00" else "T",
        "canceled": "F",
        "payment_method": ["card"],
        "payment_method_name": ["신용카드"],
        "payment_amount": f"{total}.00",
        "actual_order_amount": {
            "order_price_amount": f"{sum(prices)}.00",
            "shipping_fee": "3000.00",
            "payment_amount": f"{total}.00",
        },
        "buyer": {"member_id": member_id, "name": "김수", "email": email, "phone": "", "cellphone": cellphone},
        "receivers": [{"name": "김수", "cellphone": cellphone, "address_full": "서울특별시 중구 세종대로 110"}],
        "items": items,
    }
