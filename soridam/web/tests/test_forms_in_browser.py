"""The public forms in Debian's chromium: labels, CSRF under the private-link referrer policy, htmx and no-JS."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from conftest import wait_for_requests_in_flight
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, Status
from soridam.followup.models import Survey
from soridam.followup.surveys import survey_token

from .conftest import JPEG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def open_browser(live_server: Any) -> Iterator[Callable[..., Any]]:
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is missing: `make test` installs it with apt-get")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs in this thread; the ORM stays sync
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])

        def new_page(*, javascript: bool) -> Any:
            page = browser.new_page(locale="en-US", java_script_enabled=javascript)
            page.set_default_timeout(15_000)
            return page

        yield new_page
        browser.close()
    wait_for_requests_in_flight(live_server)
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def test_customer_files_replies_and_rates_in_a_browser_without_javascript(
    open_browser: Callable[..., Any], live_server: Any, teams: Any, agent_actor: Actor, tmp_path: Any
) -> None:
    page = open_browser(javascript=False)
    photo = tmp_path / "broken box.jpg"
    photo.write_bytes(JPEG)
    page.goto(f"{live_server.url}/complaint/")
    page.get_by_label("Your name").fill("Jane Park")
    page.get_by_label("E-mail address").fill("jane@example.com")
    page.get_by_label("Category").select_option("delivery")
    page.get_by_label("What happened?").fill("The box arrived crushed.\nThe lamp inside is broken.")
    page.get_by_label("Files (optional)").set_input_files(str(photo))
    page.get_by_role("button", name="Send complaint").click()
    case = Case.objects.get()
    assert page.inner_text("#case-reference") == case.reference
    assert page.get_attribute("#tracking-link", "href") == f"{live_server.url}/track/{case.tracking_token}/"
    assert case.messages.get().attachments.get().filename == "broken box.jpg"

    actions.change_status(case, Status.CLOSED, actor=agent_actor)
    page.goto(f"{live_server.url}/track/{case.tracking_token}/")
    page.fill("#reply-body", "Still waiting for the replacement.")
    page.get_by_role("button", name="Send reply").click()
    page.wait_for_selector("text=Your message was sent.")
    case.refresh_from_db()
    assert case.status == Status.OPEN
    assert case.messages.filter(body="Still waiting for the replacement.").exists()

    page.goto(f"{live_server.url}/survey/{survey_token(case)}/")
    page.check("#rating-4")
    page.fill("#survey-comment", "Quick answer, slow courier.")
    page.get_by_role("button", name="Send rating").click()
    page.wait_for_selector("text=Thank you for your answer")
    assert Survey.objects.values_list("rating", "comment").get() == (4, "Quick answer, slow courier.")


def test_htmx_reply_updates_conversation_status_and_history_without_a_reload(
    open_browser: Callable[..., Any], live_server: Any, make_case: Callable[..., Case], agent_actor: Actor
) -> None:
    case = make_case()
    actions.change_status(case, Status.CLOSED, actor=agent_actor)
    page = open_browser(javascript=True)
    page.goto(f"{live_server.url}/track/{case.tracking_token}/")
    assert page.inner_text("#case-status") == "Closed"
    page.evaluate("window.notReloaded = true")
    page.fill("#reply-body", "One more question about my order.")
    page.get_by_role("button", name="Send reply").click()
    page.wait_for_selector("#conversation >> text=One more question about my order.")
    assert page.evaluate("window.notReloaded") is True
    assert page.inner_text("#case-status") == "Open"
    assert "Your case was reopened." in page.inner_text("#public-timeline")
    assert page.input_value("#reply-body") == ""
