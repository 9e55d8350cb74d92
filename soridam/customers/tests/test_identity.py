"""Finding or creating the customer behind a contact, also when two first contacts race."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from soridam.customers import actions
from soridam.customers.actions import Contact, find_or_create_customer
from soridam.customers.models import Customer, Identity

pytestmark = pytest.mark.django_db


def test_a_new_address_creates_one_customer_and_the_same_address_finds_it() -> None:
    first = find_or_create_customer(Contact(name="김민지", email="Minji@Example.kr"))
    again = find_or_create_customer(Contact(name="Minji Kim", email="minji@example.kr"))
    assert again.pk == first.pk
    assert first.email == "minji@example.kr"
    assert list(Identity.objects.values_list("channel", "external_id", "customer_id")) == [
        ("email", "minji@example.kr", first.pk)
    ]


def test_losing_a_race_for_the_identity_returns_the_winner_and_leaves_no_orphan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    winner = Customer.objects.create(name="먼저 온 고객", email="race@example.kr")
    Identity.objects.create(customer=winner, channel="email", external_id="race@example.kr")
    real_claim = actions._claim_identity
    claims: list[bool] = []

    def claim(customer: Customer, channel: str, external_id: str) -> bool:
        claims.append(real_claim(customer, channel, external_id))
        return claims[-1]

    monkeypatch.setattr(actions, "_claim_identity", claim)
    # The other transaction committed its identity after this one looked and found none.
    monkeypatch.setattr(actions._KNOWN_CUSTOMER, "first", _miss_once(actions._KNOWN_CUSTOMER.first))
    found = find_or_create_customer(Contact(name="나중에 온 고객", email="race@example.kr"))
    assert claims == [False]
    assert found.pk == winner.pk
    assert Customer.objects.count() == 1


def _miss_once(lookup: Callable[..., Customer | None]) -> Callable[..., Customer | None]:
    calls = {"n": 0}

    def patched(*params: str) -> Customer | None:
        calls["n"] += 1
        return None if calls["n"] == 1 else lookup(*params)

    return patched
