"""An identity's value is ciphertext in the database and is found through its keyed blind index (R-SEC-3)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from soridam.customers.actions import Contact, find_or_create_customer
from soridam.customers.models import Customer, Identity


@pytest.mark.django_db
def test_the_identity_is_encrypted_and_found_again_by_its_blind_index() -> None:
    first = find_or_create_customer(Contact(name="김민지", email="Minji@Example.kr"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT external_id, external_index FROM customers_identity")
        [(stored, index)] = cursor.fetchall()
    assert stored.startswith("v1:")
    assert "minji" not in stored.lower()
    assert "minji" not in index
    assert Identity.objects.get().external_id == "minji@example.kr"
    assert find_or_create_customer(Contact(name="김민지", email="minji@example.kr")) == first
    assert Customer.objects.count() == 1
    assert Identity.objects.filter(**Identity.match("email", "minji@example.kr")).get().customer == first


@pytest.mark.django_db
def test_the_same_identity_twice_is_refused_by_the_index() -> None:
    customer = Customer.objects.create(name="a")
    Identity.objects.create(customer=customer, channel="line", external_id="U123")
    Identity.objects.create(customer=customer, channel="line", external_id="u123")  # handles keep their case
    with pytest.raises(IntegrityError), transaction.atomic():
        Identity.objects.create(customer=customer, channel="line", external_id="U123")
