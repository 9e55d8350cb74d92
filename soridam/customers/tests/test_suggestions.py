"""Probable matches are suggested to agents, never merged by themselves (R-CRM-2)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import translation

from soridam.cases.models import Case
from soridam.customers.actions import Contact, find_or_create_customer
from soridam.customers.models import Customer
from soridam.customers.suggestions import probable_matches

pytestmark = pytest.mark.django_db


def _suggested(customer: Customer) -> dict[int, list[str]]:
    with translation.override("en"):
        return {s.customer.pk: s.reasons for s in probable_matches(customer, Customer.objects.all())}


def test_the_same_unverified_phone_is_suggested_and_both_customers_stay() -> None:
    first = find_or_create_customer(Contact(name="김민지", phone="010-1234-5678"))
    # A messenger contact with the same number, unverified: a new customer, only suggested.
    second = find_or_create_customer(Contact(name="민지", phone="+82 10 1234 5678", handle=("telegram", "42")))
    assert first.pk != second.pk
    assert _suggested(second) == {first.pk: ["same phone number, not verified"]}
    assert Customer.objects.count() == 2


def test_the_same_address_with_other_capitals_is_suggested() -> None:
    first = Customer.objects.create(name="Minji", email="Minji.Kim@Example.kr")  # written before addresses were lowered
    second = find_or_create_customer(Contact(name="김민지", email="minji.kim@example.kr"))
    assert second.pk != first.pk
    assert _suggested(second) == {first.pk: ["same e-mail address"]}


def test_the_same_name_and_the_last_four_digits_are_suggested_but_a_namesake_is_not() -> None:
    first = Customer.objects.create(name="김민지", phone="0212345678")
    namesake = Customer.objects.create(name="김민지", phone="01099990000")
    second = find_or_create_customer(Contact(name="김민지", phone="010-7777-5678"))
    suggested = _suggested(second)
    assert suggested == {first.pk: ["same name and the same last digits of the phone number"]}
    assert namesake.pk not in suggested


def test_a_merged_customer_and_a_stranger_are_not_suggested() -> None:
    keep = Customer.objects.create(name="김민지", phone="01012345678")
    merged = Customer.objects.create(name="김민지", phone="01012345678", merged_into=keep)
    Customer.objects.create(name="이서준", phone="01099998888")
    assert _suggested(keep) == {}
    assert merged.pk not in _suggested(keep)


def test_the_customer_page_lists_suggestions_only_among_customers_the_agent_may_see(
    alice_client: Client, make_case: Callable[..., Case]
) -> None:
    mine = make_case(email="minji@example.kr", name="김민지").customer
    visible_twin = make_case("반품", email="minji2@example.kr", name="김민지").customer
    hidden_twin = make_case("결제", category="payment", email="m3@example.kr").customer  # another team's case
    Customer.objects.update(phone="01012345678")
    page = alice_client.get(f"/workspace/customers/{mine.pk}/").content.decode()
    assert f'name="source" value="{visible_twin.pk}"' in page
    assert f'name="source" value="{hidden_twin.pk}"' not in page
