"""The visitor's side of the live chat in Debian's chromium: the widget on /chat/demo/, served like `make run`
(the page and the socket by a real granian ASGI server, the bot's turn by a task worker beside it).

The visitor opens the widget from the keyboard, asks a question and gets the bot's answer with a link to its
article, asks for a person and sees the hand-over; after a reload the widget resumes the whole transcript.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from soridam.channels.chat.tests.conftest import free_port, migrated_env, serving

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
STATIC = Path(__file__).resolve().parents[2] / "soridam" / "channels" / "chat" / "static"


@pytest.fixture(scope="module")
def demo_site(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # One port for the page, the API and the socket: ws_url points at CHAT_WS_PORT.
    env = migrated_env(port, tmp_path_factory.mktemp("chat-browser"), SITE_URL=base, CHAT_WS_PORT=str(port))
    with serving(env, port, static=STATIC):
        yield base


@pytest.fixture
def page(demo_site: str) -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is missing: `make test` installs it with apt-get")
    from playwright.sync_api import sync_playwright

    flags = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=flags)
        page = browser.new_context(locale="ko-KR").new_page()
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def test_the_visitor_chats_with_the_bot_asks_for_a_person_and_resumes_after_a_reload(page: Any, demo_site: str) -> None:
    page.goto(f"{demo_site}/chat/demo/")
    page.focus(".sd-launch")
    page.keyboard.press("Enter")  # the launcher is a button: the keyboard opens it
    assert page.evaluate("document.activeElement.classList.contains('sd-input')")
    assert page.get_attribute(".sd-launch", "aria-expanded") == "true"

    page.keyboard.type("배송 조회는 어떻게 하나요?")
    page.keyboard.press("Enter")
    answer = page.locator(".sd-msg.sd-bot").first
    answer.wait_for()
    assert "자동 응답입니다" in answer.inner_text()
    link = answer.locator("a.sd-source")
    assert link.get_attribute("href") == f"{demo_site}/help/articles/1/"
    assert "배송 조회 방법" in link.inner_text()
    assert page.locator(".sd-msg.sd-customer").first.inner_text() == "배송 조회는 어떻게 하나요?"

    page.click(".sd-person")
    page.wait_for_selector(".sd-panel[data-handover]")
    # No agent is online in this database: the chat became a case answered by e-mail, and the widget says so.
    assert page.get_attribute(".sd-panel", "data-handover") == "offline"
    assert "이메일" in page.inner_text(".sd-status")

    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.classList.contains('sd-launch')")

    page.reload()
    page.click(".sd-launch")
    page.locator(".sd-msg.sd-bot").nth(1).wait_for()  # the transcript again, resumed from the server
    texts = page.locator(".sd-msg").all_inner_texts()
    assert any("배송 조회는 어떻게 하나요?" in t for t in texts)
    assert any("상담원 연결" in t for t in texts)
