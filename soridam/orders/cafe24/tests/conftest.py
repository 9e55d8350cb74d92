from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from soridam.orders.cafe24.tests.fake import FakeCafe24
from soridam.orders.models import Provider, Shop


@pytest.fixture
def cafe24() -> Iterator[FakeCafe24]:
    with FakeCafe24() as fake:
        yield fake


def connected_shop(fake: FakeCafe24, slug: str = "linen", **options: object) -> Shop:
    """A Cafe24 shop already authorised against the fake: a fresh token pair, two hours to live."""
    tokens = fake.issue_tokens()
    return Shop.objects.create(
        provider=Provider.CAFE24,
        name="Linen & Co",
        slug=slug,
        base_url=fake.url,
        client_id=fake.client_id,
        client_secret=fake.client_secret,
        access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
        token_expires_at=timezone.now() + timedelta(hours=2),
        options={"mall_id": "demo", **options},
    )


@pytest.fixture
def shop(db: None, cafe24: FakeCafe24) -> Shop:
    return connected_shop(cafe24)
