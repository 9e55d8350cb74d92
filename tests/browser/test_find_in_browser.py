"""The header's find box in Debian's chromium, in the Korean UI: an agent finds a case by its reference (whole
and short), order number, e-mail and phone typed three ways; a case of another team is never found."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import transaction

from soridam.accounts.models import User
from soridam.cases import actions
from soridam.cases.models import Case, Category
from soridam.customers.actions import Contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open(contact: Contact, category: str, order_number: str = "") -> Case:
    new = actions.NewCase(
        subject="배송 문의",
        body="상품이 오지 않아요.",
        contact=contact,
        category=Category.objects.get(slug=category),
        order_number=order_number,
    )
    with transaction.atomic():
        return actions.open_case(new)


def _sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/workspace/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "pw-alice")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/workspace/")


def _find(page: Any, base: str, typed: str) -> None:
    """From the inbox: "/" focuses the header box, then type and press Enter."""
    page.goto(f"{base}/workspace/")
    page.locator("body").press("/")
    assert page.evaluate("document.activeElement.id") == "workspace-search"
    page.keyboard.type(typed)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _listed(page: Any) -> str:
    assert re.search(r"/workspace/search/\?q=", page.url), page.url
    return str(page.inner_text("#case-search-results"))


def test_an_agent_finds_a_case_by_every_identifier_from_the_header_box(
    browser_page: Any, live_server: Any, alice: User
) -> None:
    page, base = browser_page, live_server.url
    mine = _open(Contact(name="홍길동", email="gildong@example.com", phone="010-1234-5678"), "delivery", "2026-1234")
    other = _open(Contact(name="이순신", email="sunsin@example.com", phone="010-5555-6666"), "payment", "2026-7777")
    _sign_in(page, base)
    box = page.locator("#workspace-search")
    assert "접수 번호" in box.get_attribute("placeholder")

    case_page = f"{base}/workspace/cases/{mine.pk}/"
    for typed in (mine.reference, mine.reference.rsplit("-", 1)[1]):
        _find(page, base, typed)
        assert page.url == case_page, typed
        assert mine.reference in page.inner_text("main")

    for typed in ("2026-1234", "gildong@example.com", "01012345678", "010-1234-5678", "+82 10-1234-5678"):
        _find(page, base, typed)
        results = _listed(page)
        assert mine.reference in results, typed
        assert "+8210****5678" in results  # E.164 and masked, as every staff surface shows a phone

    for typed in (other.reference, other.reference.rsplit("-", 1)[1], "2026-7777", "sunsin@example.com"):
        _find(page, base, typed)
        results = _listed(page)
        assert other.reference not in results, typed
        assert "이순신" not in results
