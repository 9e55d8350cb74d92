"""Customers endpoints: staff only, and an agent sees only customers behind cases they can see."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, P, PathEx, Query, Router, Schema

from soridam.accounts.api import MAX_ID, staff_user
from soridam.cases.access import access_customer, customers_visible_to
from soridam.customers import profile
from soridam.customers.models import Customer
from soridam.customers.phones import e164
from soridam.lib.keyset import Ordering, paginate
from soridam.orders.models import Order

router = Router(tags=["customers"])


class CustomerOut(Schema):
    id: int
    name: str
    email: str
    phone: str
    language: str
    created_at: datetime

    @staticmethod
    def resolve_phone(customer: Customer | dict[str, Any]) -> str:
        """Stored national (``01012345678``, what lookups match); read in E.164 (``+821012345678``)."""
        phone = customer["phone"] if isinstance(customer, dict) else customer.phone
        return e164(phone) if phone else ""


class IdentityOut(Schema):
    kind: str
    value: str
    verified: bool


class ShipmentOut(Schema):
    carrier: str = ""
    tracking_number: str = ""
    tracking_url: str = ""
    status: str = ""
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None


class OrderOut(Schema):
    id: int
    shop: str
    number: str
    status: str
    currency: str
    total: Decimal
    placed_at: datetime
    shipments: list[ShipmentOut]

    @staticmethod
    def resolve_shop(order: Order) -> str:
        return order.shop.slug


class CustomerDetailOut(CustomerOut):
    """One customer with how we know them, their recent orders and the repeat-contact flag (R-CRM-1..3)."""

    identities: list[IdentityOut]
    orders: list[OrderOut]
    # ≥ SORIDAM_REPEAT_CONTACT_CASES cases in one category within SORIDAM_REPEAT_CONTACT_DAYS days (R-CRM-3).
    repeat_contact: bool
    repeat_contact_category: str | None
    repeat_contact_count: int


class CustomerPage(Schema):
    items: list[CustomerOut]
    next_cursor: str | None


class PageQuery(Schema):
    cursor: str | None = Field(None, max_length=512)
    limit: int = Field(25, ge=1, le=100)


@router.get("/customers", response=CustomerPage, url_name="api_customers")
def list_customers(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """Newest first, in cursor pages."""
    customers = customers_visible_to(staff_user(request))
    page = paginate(customers, Ordering("created_at"), query.cursor, query.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/customers/{customer_id}", response=CustomerDetailOut, url_name="api_customer")
def get_customer(request: HttpRequest, customer_id: PathEx[int, P(ge=1, le=MAX_ID)]) -> dict[str, Any]:
    customer = access_customer(staff_user(request), customer_id)
    return {**_fields(customer), **customer_history(customer.pk)}


def _fields(customer: Customer) -> dict[str, Any]:
    return {name: getattr(customer, name) for name in ("id", "name", "email", "phone", "language", "created_at")}


def customer_history(customer_id: int) -> dict[str, Any]:
    """The identities, newest orders and repeat-contact flag of a customer the caller may see."""
    repeat = profile.repeat_contact(customer_id)
    return {
        "identities": profile.identities_of(customer_id),
        "orders": profile.recent_orders(customer_id),
        "repeat_contact": repeat is not None,
        "repeat_contact_category": repeat.category_slug if repeat else None,
        "repeat_contact_count": repeat.count if repeat else 0,
    }
