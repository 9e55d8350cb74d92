"""Personal data this app holds (``soridam.privacy.registry``): how to find a person's rows, keep and erase them."""

from __future__ import annotations

from soridam.privacy.registry import NotPersonal, PersonalData

PERSONAL_DATA = [
    PersonalData(
        "orders.Order",
        subject="customer",
        retention="contract",
        anonymise=("buyer_name", "buyer_email", "buyer_phone", "shop_customer_id", "shipments", "raw"),
        clock="placed_at",
    ),
]
NOT_PERSONAL = [
    NotPersonal("orders.CaseOrder", "a link between a case and an order"),
]
