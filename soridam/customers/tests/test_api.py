"""``GET /api/v1/customers/{id}``: the customer's identities, orders and repeat-contact flag (R-CRM-1..3)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from soridam.accounts.models import User
from soridam.cases.models import Case
from soridam.customers import actions
from soridam.customers.models import Customer, Identity
from soridam.orders.models import Order

pytestmark = pytest.mark.django_db

ApiClient = Callable[[User], Client]


def test_the_customer_comes_with_identities_orders_newest_first_and_the_repeat_flag(
    api_client: ApiClient, alice: User, make_case: Callable[..., Case], make_order: Callable[..., Order]
) -> None:
    case = make_case(email="minji@example.kr")
    make_case("또 배송 문의", email="minji@example.kr")
    make_case("세 번째 배송 문의", email="minji@example.kr")
    customer = case.customer
    Customer.objects.filter(pk=customer.pk).update(phone="01012345678")
    Identity.objects.create(customer=customer, channel="sms", external_id="01012345678")
    Identity.objects.create(customer=customer, channel="kakao", external_id="plusfriend:pf-1", verified=True)
    actions.link_shop_identity(customer, "demo-shop", "member-9")
    older = make_order(customer, "20261101-0000001", days_ago=30)
    newer = make_order(customer, "20261201-0000002", days_ago=2)

    body = api_client(alice).get(f"/api/v1/customers/{customer.pk}").json()

    assert {key: body[key] for key in ("id", "name", "email", "phone", "language")} == {
        "id": customer.pk,
        "name": "김민지",
        "email": "minji@example.kr",
        "phone": "+821012345678",  # stored national, read in E.164
        "language": "ko",
    }
    assert "created_at" in body
    assert body["identities"] == [
        {"kind": "email", "value": "minji@example.kr", "verified": False},
        {"kind": "kakao_plusfriend", "value": "pf-1", "verified": True},
        {"kind": "shop", "value": "demo-shop:member-9", "verified": True},
        {"kind": "sms", "value": "+821012345678", "verified": False},
    ]
    assert [order["id"] for order in body["orders"]] == [newer.pk, older.pk]
    assert body["orders"][0] | {"placed_at": None} == {
        "id": newer.pk,
        "shop": "demo-shop",
        "number": "20261201-0000002",
        "status": "shipped",
        "currency": "KRW",
        "total": "39000.00",
        "placed_at": None,
        "shipments": [
            {
                "carrier": "CJ대한통운",
                "tracking_number": "6512345678",
                "tracking_url": "https://trace.example/6512345678",
                "status": "in_transit",
                "shipped_at": None,
                "delivered_at": None,
            }
        ],
    }
    assert (body["repeat_contact"], body["repeat_contact_category"], body["repeat_contact_count"]) == (
        True,
        "delivery",
        3,
    )


def test_a_customer_without_history_has_empty_lists_and_no_flag(
    api_client: ApiClient, alice: User, make_case: Callable[..., Case]
) -> None:
    customer = make_case().customer
    body = api_client(alice).get(f"/api/v1/customers/{customer.pk}").json()
    assert body["orders"] == []
    assert (body["repeat_contact"], body["repeat_contact_category"], body["repeat_contact_count"]) == (False, None, 0)


def test_another_teams_customer_is_404_with_no_orders_leaked(
    api_client: ApiClient, bob: User, make_case: Callable[..., Case], make_order: Callable[..., Order]
) -> None:
    customer = make_case().customer  # a delivery case: bob works in payments
    make_order(customer, "20261201-0000003")
    response = api_client(bob).get(f"/api/v1/customers/{customer.pk}")
    assert response.status_code == 404
    assert "20261201-0000003" not in response.content.decode()
