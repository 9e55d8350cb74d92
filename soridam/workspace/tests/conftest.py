from __future__ import annotations

import pytest

from soridam.accounts.models import Role, User

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def customer_user(db: None) -> User:
    return User.objects.create_user(username="kim", password="pw-kim", role=Role.CUSTOMER)
