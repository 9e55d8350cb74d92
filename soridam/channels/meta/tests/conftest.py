from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from soridam.channels.meta.tests.shapes import APP_SECRET, KINDS, PHONE_NUMBER_ID, TOKEN, VERIFY_TOKEN
from soridam.channels.models import ChannelAccount


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    """A test that activates English for its assertions leaves the default language to the next one."""
    yield
    translation.deactivate()


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture
def account(db: None, settings: Any, kind: str) -> ChannelAccount:
    settings.SORIDAM_CHAT_RESPONDER = ""
    return make_account(kind)


def make_account(kind: str, **options: Any) -> ChannelAccount:
    base = {"verify_token": VERIFY_TOKEN}
    if kind == "whatsapp":
        base["phone_number_id"] = PHONE_NUMBER_ID
    return ChannelAccount.objects.create(
        kind=kind,
        name=f"{kind} shop",
        slug=f"{kind}-shop",
        secret=APP_SECRET,
        token=TOKEN,
        options={**base, **options},
    )
