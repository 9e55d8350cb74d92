"""Shared by the browser tests: one page of Debian's chromium, driven by Playwright, against the live server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import wait_for_requests_in_flight

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser_page(settings: Any, live_server: Any) -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is missing: `make test` installs it with apt-get")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    settings.SITE_URL = live_server.url
    flags = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=flags)
        context = browser.new_context(locale="ko-KR")
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        browser.close()
    wait_for_requests_in_flight(live_server)
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
