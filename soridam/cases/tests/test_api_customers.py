"""Customers through the API: an agent sees only customers behind cases the agent may see."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from soridam.accounts.models import User
from soridam.cases.models import Case

pytestmark = pytest.mark.django_db

ApiClient = Callable[[User], Client]


@pytest.fixture
def two_customers(make_case: Callable[..., Case]) -> tuple[Case, Case]:
    delivery = make_case(email="kim@example.kr", name="김민지")
    payment = make_case("결제 오류", category="payment", email="lee@example.kr", name="이서준")
    return delivery, payment


def test_agent_lists_and_reads_only_customers_of_visible_cases(
    api_client: ApiClient, alice: User, two_customers: tuple[Case, Case]
) -> None:
    delivery, payment = two_customers
    client = api_client(alice)
    listed = client.get("/api/v1/customers").json()["items"]
    assert [c["id"] for c in listed] == [delivery.customer_id]
    assert client.get(f"/api/v1/customers/{delivery.customer_id}").json()["email"] == "kim@example.kr"
    assert client.get(f"/api/v1/customers/{payment.customer_id}").status_code == 404


def test_admin_sees_every_customer_in_cursor_pages(
    api_client: ApiClient, root: User, make_case: Callable[..., Case]
) -> None:
    made = [make_case(email=f"c{n}@example.kr").customer_id for n in range(3)]
    client = api_client(root)
    first = client.get("/api/v1/customers?limit=2").json()
    second = client.get(f"/api/v1/customers?limit=2&cursor={first['next_cursor']}").json()
    assert [c["id"] for c in first["items"] + second["items"]] == list(reversed(made))
    assert second["next_cursor"] is None
