"""An agent answers a LINE conversation and a Telegram conversation from the workspace composer, in Debian's
chromium against the live server: the local fake LINE and Telegram APIs receive both replies with the
providers' documented request shapes and auth (LINE: push with Bearer token and X-Line-Retry-Key; Telegram:
sendMessage with the bot token in the path)."""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from soridam.accounts.models import Team, User
from soridam.cases.models import Case
from soridam.channels import pipeline
from soridam.channels.models import ChannelAccount
from soridam.channels.tests.fakeprovider import FakeProvider, Recorded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LINE_USER = "U80696558e1aa831a0b1bd4ef5b0d1bc4"


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is missing: `make test` installs it with apt-get")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    flags = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=flags)
        tab = browser.new_context(locale="en-US").new_page()
        tab.set_default_timeout(15_000)
        yield tab
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _line_body(text: str) -> bytes:
    event = {
        "type": "message",
        "mode": "active",
        "timestamp": 1_700_000_000_000,
        "source": {"type": "user", "userId": LINE_USER},
        "webhookEventId": "01HBROWSERTEST0000000000000",
        "deliveryContext": {"isRedelivery": True},  # no reply token to use: the agent's answer is a push
        "replyToken": "0f3779fba3b349968c5d07db31eab56f",
        "message": {"id": "468789577898262530", "type": "text", "text": text},
    }
    return json.dumps({"destination": "Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "events": [event]}).encode()


def _telegram_body(text: str) -> bytes:
    message = {
        "message_id": 1001,
        "from": {"id": 42, "is_bot": False, "first_name": "지은", "language_code": "ko"},
        "chat": {"id": 42, "type": "private", "first_name": "지은"},
        "date": 1_700_000_000,
        "text": text,
    }
    return json.dumps({"update_id": 9001, "message": message}, ensure_ascii=False).encode()


def _opened(kind: str, body: bytes, account: ChannelAccount) -> Case:
    """The customer's message taken in as the webhook's task would (the case is opened, acknowledged)."""
    payload, _is_new = pipeline.receive(kind, body, account=account, process_now=True)
    assert payload.case is not None, payload.reason
    return payload.case


def _sign_in(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/workspace/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("pw-alice")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/workspace/")


def _reply_from_composer(page: Any, base_url: str, case: Case, text: str) -> None:
    page.goto(f"{base_url}/workspace/")
    page.get_by_role("link", name=case.reference).click()
    page.wait_for_selector("#reply-body")
    page.fill("#reply-body", text)
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_selector(f".message-body:has-text('{text}')")


def _received(fake: FakeProvider, path: str, count: int) -> list[Recorded]:
    deadline = time.monotonic() + 15
    while len(fake.to(path)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return fake.to(path)


def test_an_agent_answers_line_and_telegram_from_the_workspace(
    page: Any, live_server: Any, alice: User, teams: dict[str, Team], settings: Any
) -> None:
    settings.SORIDAM_CHAT_RESPONDER = ""  # no bot: the conversations wait for a person
    alice.language = "en"
    alice.save()
    with FakeProvider() as line_api, FakeProvider() as telegram_api:
        line = ChannelAccount.objects.create(
            kind="line", name="line", slug="line-shop", secret="s", token="line-token",
            options={"api_base": line_api.url},
        )  # fmt: skip
        telegram = ChannelAccount.objects.create(
            kind="telegram", name="tg", slug="tg-shop", secret="s", token="123:abc",
            options={"api_base": telegram_api.url},
        )  # fmt: skip
        line_case = _opened("line", _line_body("LINE: 신발이 안 왔어요"), line)
        tg_case = _opened("telegram", _telegram_body("텔레그램 교환 문의"), telegram)
        for case in (line_case, tg_case):  # in alice's team, so her inbox lists them
            Case.objects.filter(pk=case.pk).update(team=teams["delivery"])
        acknowledgements = (len(line_api.to("/v2/bot/message/push")), len(telegram_api.to("/bot123:abc/sendMessage")))

        _sign_in(page, live_server.url)
        _reply_from_composer(page, live_server.url, line_case, "Your shoes ship today.")
        _reply_from_composer(page, live_server.url, tg_case, "Send us your size, please.")

        pushes = _received(line_api, "/v2/bot/message/push", acknowledgements[0] + 1)
        push = pushes[-1]
        assert push.json() == {"to": LINE_USER, "messages": [{"type": "text", "text": "Your shoes ship today."}]}
        assert push.header("Authorization") == "Bearer line-token"
        assert uuid.UUID(push.header("X-Line-Retry-Key"))
        assert line_api.to("/v2/bot/message/reply") == []

        sends = _received(telegram_api, "/bot123:abc/sendMessage", acknowledgements[1] + 1)
        assert sends[-1].json() == {"chat_id": "42", "text": "Send us your size, please."}
        assert sends[-1].header("Content-Type") == "application/json"
