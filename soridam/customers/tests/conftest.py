"""Shops and orders for the customer tests, stored as ``orders.sync`` stores them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from soridam.accounts.models import User
from soridam.customers.models import Customer
from soridam.orders.models import Order, OrderStatus, Shop


@pytest.fixture
def shop(db: None) -> Shop:
    return Shop.objects.create(provider="cafe24", name="데모 샵", slug="demo-shop", base_url="http://127.0.0.1:9/")


@pytest.fixture
def make_order(shop: Shop) -> Callable[..., Order]:
    def make(customer: Customer, number: str, *, days_ago: int = 1, **fields: Any) -> Order:
        defaults: dict[str, Any] = {
            "status": OrderStatus.SHIPPED,
            "total": Decimal("39000"),
            "items": [
                {"external_id": "1", "name": "린넨 셔츠", "quantity": 1, "unit_price": "39000", "total": "39000"}
            ],
            "shipments": [
                {
                    "carrier": "CJ대한통운",
                    "tracking_number": "6512345678",
                    "tracking_url": "https://trace.example/6512345678",
                    "status": "in_transit",
                }
            ],
        }
        return Order.objects.create(
            shop=fields.pop("shop", shop),
            customer=customer,
            external_id=number,
            number=number,
            placed_at=timezone.now() - timedelta(days=days_ago),
            **{**defaults, **fields},
        )

    return make


@pytest.fixture
def english_alice(alice: User) -> Client:
    alice.language = "en"
    alice.save()
    client = Client()
    client.force_login(alice)
    return client
