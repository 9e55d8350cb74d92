"""The workspace in Debian's chromium: htmx actions without page reloads, and the keyboard shortcuts."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import wait_for_requests_in_flight
from soridam.accounts.models import User
from soridam.cases.models import Case
from soridam.cases.stages import STAGE_ORDER
from tests.browser.htmx import select_when_wired, wait_until_wired

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


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
        tab.set_default_timeout(10_000)
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        yield tab
        browser.close()
        wait_for_requests_in_flight(live_server)
        assert errors == []
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _sign_in(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/workspace/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("pw-alice")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/workspace/")


def _mark_document(page: Any) -> None:
    # A full page load would drop this marker; htmx swaps keep it.
    page.evaluate("window.__noReload = true")


def test_agent_works_a_case_with_htmx_and_never_reloads_the_page(
    page: Any, live_server: Any, alice: User, make_case: Callable[..., Case]
) -> None:
    alice.language = "en"
    alice.save()
    case = make_case(subject="Fridge arrived dented")
    _sign_in(page, live_server.url)
    page.get_by_role("link", name=case.reference).click()
    page.wait_for_selector("#reply-body")
    _mark_document(page)

    page.fill("#reply-body", "We will exchange it.")
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_selector(".message-body:has-text('We will exchange it.')")
    # Focus moves after htmx settles the swap, a moment after the new content appears.
    expect(page.locator("[data-panel-notice]").first).to_be_focused()

    page.fill("#reply-body", "   ")  # the browser itself refuses an empty box; blanks reach the server
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_selector("text=Write a reply before sending.")
    expect(page.locator("#reply-body")).to_be_focused()

    # The properties panel saves each select as soon as it changes: no button to press.
    for stage in STAGE_ORDER[1:]:
        select_when_wired(page, "#stage-to", stage.value)

    wait_until_wired(page, "#stage-to")
    page.select_option("#stage-to", "intake")
    page.wait_for_selector("text=Moving a case back needs a reason.")

    wait_until_wired(page, "#status-to")
    page.select_option("#status-to", "closed")
    # Closing a complaint asks for its cause (R-RCA-2); choosing it saves both.
    page.wait_for_selector("text=Choose the cause of the complaint before solving or closing it.")
    wait_until_wired(page, "#status-cause")
    page.select_option("#status-cause", "logistics")
    page.wait_for_selector("text=Status saved.")
    assert page.evaluate("window.__noReload") is True
    case.refresh_from_db()
    assert (case.stage, case.status) == ("follow_up", "closed")
    assert case.messages.filter(kind="reply").count() == 1


def test_keyboard_shortcuts_in_the_inbox_and_on_the_case_page(
    page: Any, live_server: Any, alice: User, make_case: Callable[..., Case]
) -> None:
    older, newer = make_case(subject="older"), make_case(subject="newer")
    _sign_in(page, live_server.url)
    rows = page.locator(".inbox-row")
    page.keyboard.press("j")
    assert rows.nth(0).get_attribute("aria-selected") == "true"
    assert page.evaluate("document.activeElement.textContent") == newer.reference
    page.keyboard.press("j")
    assert rows.nth(0).get_attribute("aria-selected") == "false"
    assert rows.nth(1).get_attribute("aria-selected") == "true"
    page.keyboard.press("k")
    page.keyboard.press("j")
    page.keyboard.press("o")
    page.wait_for_url(f"{live_server.url}/workspace/cases/{older.pk}/")

    page.keyboard.press("r")
    expect(page.locator("#reply-body")).to_be_focused()
    page.keyboard.type("a note? no")  # typing in a field triggers no shortcut
    expect(page.locator("#reply-body")).to_be_focused()
    assert page.input_value("#reply-body") == "a note? no"
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("n")  # the same composer, with its internal-note switch on
    assert page.evaluate("document.activeElement.id") == "reply-body"
    assert page.is_checked("#reply-internal")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("r")
    assert not page.is_checked("#reply-internal")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("a")
    assert page.evaluate("document.activeElement.id") == "assign-to"
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("?")
    assert page.locator("#shortcut-help").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#shortcut-help").is_visible()


def test_inbox_filters_swap_the_list_and_push_the_url(
    page: Any, live_server: Any, alice: User, make_case: Callable[..., Case]
) -> None:
    urgent = make_case(subject="urgent one", priority="urgent")
    calm = make_case(subject="calm one")
    _sign_in(page, live_server.url)
    _mark_document(page)
    page.select_option("#filter-priority", "urgent")
    expect(page).to_have_url(re.compile(r"\?priority=urgent$"))  # pushed by htmx, no load event
    page.wait_for_selector(f"text={urgent.reference}")
    assert page.locator(f"text={calm.reference}").count() == 0
    assert page.evaluate("window.__noReload") is True


def test_live_workspace_holds_a_stale_reply_refreshes_the_inbox_and_keeps_the_agent_online(
    page: Any, live_server: Any, alice: User, lena: User, make_case: Callable[..., Case], monkeypatch: Any
) -> None:
    from soridam.audit.actors import Actor
    from soridam.cases import actions
    from soridam.routing.models import AgentState, Presence
    from soridam.routing.templatetags import routing_tags
    from soridam.workspace import inbox_changes

    monkeypatch.setattr(inbox_changes, "POLL_SECONDS", 1)
    monkeypatch.setattr(routing_tags, "HEARTBEAT_SECONDS", 1)
    alice.language = "en"
    alice.save()
    case = make_case(subject="Parcel went to the neighbour")
    _sign_in(page, live_server.url)

    # The inbox shows a case opened after it was drawn, without a reload; the page's heartbeat made alice online.
    _mark_document(page)
    make_case(subject="Second parcel missing")
    page.wait_for_selector("#inbox a:has-text('C-')")
    page.wait_for_selector("text=Second parcel missing", timeout=15_000)
    assert page.evaluate("window.__noReload") is True
    expect(page.locator("#presence-switch")).to_have_value("online", timeout=10_000)
    assert AgentState.objects.get(agent=alice).presence == Presence.ONLINE

    page.goto(f"{live_server.url}/workspace/cases/{case.pk}/")
    page.fill("#reply-body", "It is with your neighbour.")
    actions.change_status(case, "waiting", actor=Actor(user=lena), notify=False)
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_selector("#reply-held")
    assert case.messages.filter(kind="reply").count() == 0
    assert page.input_value("#reply-body") == "It is with your neighbour."
    page.click("#reply-send-anyway")
    page.wait_for_selector(".message-body:has-text('It is with your neighbour.')")
    assert case.messages.filter(kind="reply").count() == 1
