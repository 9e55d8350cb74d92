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

    def claim(customer: Customer, channel: str, external_id: str, *, verified: bool = False) -> bool:
        claims.append(real_claim(customer, channel, external_id, verified=verified))
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


def test_a_messenger_handle_is_its_own_identity_and_finds_the_same_customer_again() -> None:
    first = find_or_create_customer(Contact(name="지은", handle=("line", "U123")))
    again = find_or_create_customer(Contact(name="다른 이름", handle=("line", "U123")))
    other = find_or_create_customer(Contact(name="지은", handle=("telegram", "U123")))
    assert again.pk == first.pk
    assert other.pk != first.pk  # an id on another channel is another identifier: never merged by itself


def test_a_verified_phone_links_a_messenger_handle_to_the_customer_with_that_number() -> None:
    known = find_or_create_customer(Contact(name="김민지", phone="010-1234-5678"))
    linked = find_or_create_customer(
        Contact(name="Minji", phone="+82 10 1234 5678", handle=("whatsapp", "821012345678"), phone_verified=True)
    )
    assert linked.pk == known.pk
    assert set(Identity.objects.filter(customer=known).values_list("channel", "external_id")) == {
        ("sms", "01012345678"),
        ("whatsapp", "821012345678"),
    }


def test_an_unverified_phone_never_links_a_handle_to_another_customer() -> None:
    known = find_or_create_customer(Contact(name="김민지", phone="010-1234-5678"))
    stranger = find_or_create_customer(Contact(name="누군가", phone="010-1234-5678", handle=("telegram", "99")))
    assert stranger.pk != known.pk


def test_a_new_customer_with_a_verified_phone_is_found_by_that_number_later() -> None:
    first = find_or_create_customer(
        Contact(name="Minji", phone="+821099998888", handle=("whatsapp", "821099998888"), phone_verified=True)
    )
    assert find_or_create_customer(Contact(name="김민지", phone="010-9999-8888")).pk == first.pk


def test_a_handle_is_stored_verified_and_a_typed_address_is_not() -> None:
    by_handle = find_or_create_customer(Contact(name="지은", handle=("line", "U77")))
    by_address = find_or_create_customer(Contact(name="민지", email="minji@example.kr"))
    assert Identity.objects.get(customer=by_handle).verified is True
    assert Identity.objects.get(customer=by_address).verified is False


def test_a_verified_login_address_links_a_handle_to_the_customer_with_that_address() -> None:
    known = find_or_create_customer(Contact(name="김민지", email="minji@example.kr"))
    linked = find_or_create_customer(
        Contact(name="Minji", email="Minji@Example.kr", handle=("telegram", "5001"), email_verified=True)
    )
    assert linked.pk == known.pk
    assert set(Identity.objects.filter(customer=known).values_list("channel", "external_id", "verified")) == {
        ("email", "minji@example.kr", True),
        ("telegram", "5001", True),
    }


def test_an_address_nobody_verified_never_links_a_handle_to_another_customer() -> None:
    known = find_or_create_customer(Contact(name="김민지", email="minji@example.kr"))
    stranger = find_or_create_customer(Contact(name="누군가", email="minji@example.kr", handle=("telegram", "6")))
    assert stranger.pk != known.pk


def test_a_new_customer_with_a_verified_phone_keeps_the_number_as_a_verified_identity() -> None:
    customer = find_or_create_customer(
        Contact(name="Minji", phone="+82 10 5555 0000", handle=("whatsapp", "821055550000"), phone_verified=True)
    )
    assert set(Identity.objects.filter(customer=customer).values_list("channel", "external_id", "verified")) == {
        ("whatsapp", "821055550000", True),
        ("sms", "01055550000", True),
    }


def test_a_shop_customer_id_is_a_verified_identity_per_shop_and_stays_with_its_first_owner() -> None:
    minji = find_or_create_customer(Contact(name="김민지", email="minji@example.kr"))
    other = find_or_create_customer(Contact(name="이서준", email="lee@example.kr"))
    assert actions.link_shop_identity(minji, "demo-cafe24", "member-7") is True
    assert actions.link_shop_identity(minji, "demo-cafe24", "member-7") is True  # again: nothing changes
    assert actions.link_shop_identity(other, "demo-cafe24", "member-7") is False  # a person merges, not a sync
    assert actions.link_shop_identity(other, "other-shop", "member-7") is True  # the same id at another shop
    rows = set(Identity.objects.filter(channel="shop").values_list("customer_id", "external_id", "verified"))
    assert rows == {(minji.pk, "demo-cafe24:member-7", True), (other.pk, "other-shop:member-7", True)}
