"""Order status on a messenger, end to end with the real bot: Telegram's webhook, the customer the messenger
identified, the answer sent to a local fake Bot API and kept on the case's timeline as the bot's reply."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from soridam.cases.models import Case, EventKind, MessageKind
from soridam.channels.models import ChannelAccount
from soridam.channels.telegram.tests.test_telegram import HEADERS, SECRET, update
from soridam.channels.tests.fakeprovider import FakeProvider
from soridam.channels.tests.webhooks import post_hook
from soridam.customers.models import Customer

from .orders import NUMBER, make_order, make_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(settings: Any) -> ChannelAccount:
    settings.SORIDAM_CHAT_RESPONDER = "soridam.bot.engine.reply"
    return ChannelAccount.objects.create(kind="telegram", name="tg", slug="tg-shop", secret=SECRET, token="123:abc")


def test_the_customer_the_messenger_identified_gets_their_order_on_the_channel_and_the_timeline(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with FakeProvider() as fake:
        account.options = {"api_base": fake.url}
        account.save()
        post_hook(client, django_capture_on_commit_callbacks, "telegram", "tg-shop", update(1, "안녕하세요"), HEADERS)
        case = Case.objects.get()
        stranger = Customer.objects.create(name="김철수", email="kim@example.kr")
        shop = make_shop()
        make_order(shop, customer=case.customer)
        make_order(shop, "20261130-0000099", customer=stranger, items=[{"name": "남의 상품", "quantity": 1}])

        body = update(2, "택배 언제 와요? 주문한 지 사흘 됐어요")
        post_hook(client, django_capture_on_commit_callbacks, "telegram", "tg-shop", body, HEADERS)

        sent = [request.json()["text"] for request in fake.to("/bot123:abc/sendMessage")]
    assert len(sent) == 2
    assert NUMBER in sent[1]
    assert "무선 이어폰" in sent[1]
    assert "남의 상품" not in sent[1]
    answer = case.messages.filter(kind=MessageKind.REPLY).order_by("-id").first()
    assert answer is not None
    assert answer.body == sent[1]
    assert answer.author_user_id is None  # the bot's reply, not an agent's
    assert case.events.filter(kind=EventKind.REPLY).count() == 2
