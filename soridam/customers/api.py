"""Customers endpoints: staff only, and an agent sees only customers behind cases they can see."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, P, PathEx, Query, Router, Schema

from soridam.accounts.api import MAX_ID, staff_user
from soridam.cases.access import access_customer, customers_visible_to
from soridam.customers.models import Customer
from soridam.lib.keyset import Ordering, paginate

router = Router(tags=["customers"])


class CustomerOut(Schema):
    id: int
    name: str
    email: str
    phone: str
    language: str
    created_at: datetime


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


@router.get("/customers/{customer_id}", response=CustomerOut, url_name="api_customer")
def get_customer(request: HttpRequest, customer_id: PathEx[int, P(ge=1, le=MAX_ID)]) -> Customer:
    return access_customer(staff_user(request), customer_id)
