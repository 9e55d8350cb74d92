from __future__ import annotations

import pytest
from django.test import Client

from soridam.accounts.models import Role, User

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def alice_client(alice: User) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(bob: User) -> Client:
    client = Client()
    client.force_login(bob)
    return client


@pytest.fixture
def customer_user(db: None) -> User:
    return User.objects.create_user(username="kim", password="pw-kim", role=Role.CUSTOMER)
