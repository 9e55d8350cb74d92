"""Help articles suggested as the customer types, in Debian's chromium driven by Playwright.

Typing a half-finished Korean question into the complaint form shows the article about changing the delivery
address without a page reload; the help-centre search box works from the keyboard alone.
"""

from __future__ import annotations

from typing import Any

import pytest

from soridam.kb.demo import seed_help_centre
from soridam.kb.models import Article, ArticleUse, Deflection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = "배송지 변경 방법"


def test_typing_in_the_complaint_form_suggests_the_delivery_address_article_without_a_reload(
    browser_page: Any, live_server: Any, teams: Any
) -> None:
    seed_help_centre()
    page = browser_page
    page.goto(f"{live_server.url}/complaint/")
    # A marker on the window object is lost if the page navigates or reloads.
    page.evaluate("window.__sameDocument = 'still here'")

    page.locator("#id_text").press_sequentially("배송지 변", delay=40)
    option = page.locator("[data-kb-results] [role=option] a", has_text=ARTICLE)
    option.wait_for()

    assert page.evaluate("window.__sameDocument") == "still here"
    assert page.url == f"{live_server.url}/complaint/"
    assert "suggested" in page.inner_text("[data-kb-status]") or "추천" in page.inner_text("[data-kb-status]")
    # From the text field, Tab reaches the suggestions; Esc goes back to the text.
    page.focus("#id_text")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('[role=option]') !== null")
    first = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("ArrowDown")
    if page.locator("[data-kb-results] [role=option]").count() > 1:
        assert page.evaluate("document.activeElement.textContent") != first
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") == "id_text"


def test_the_help_centre_search_box_is_a_combobox_usable_from_the_keyboard(
    browser_page: Any, live_server: Any, db: None
) -> None:
    seed_help_centre()
    page = browser_page
    page.goto(f"{live_server.url}/help/")
    page.locator("#kb-query").press_sequentially("배송지", delay=40)
    page.locator("#kb-query-results [role=option]", has_text=ARTICLE).first.wait_for()
    assert page.get_attribute("#kb-query", "aria-expanded") == "true"

    page.keyboard.press("ArrowDown")
    active = page.get_attribute("#kb-query", "aria-activedescendant")
    assert active
    assert page.get_attribute(f"#{active}", "aria-selected") == "true"
    page.keyboard.press("Enter")
    page.wait_for_url("**/help/articles/**")
    assert page.inner_text("h1").strip() != ""


def test_opening_a_suggestion_then_sending_the_complaint_records_no_deflection(
    browser_page: Any, live_server: Any, teams: Any
) -> None:
    seed_help_centre()
    page = browser_page
    page.goto(f"{live_server.url}/complaint/")
    page.locator("#id_text").press_sequentially("배송지 변경", delay=40)
    with page.context.expect_page() as opened:
        page.locator("[data-kb-results] [role=option] a", has_text=ARTICLE).click()
    article_tab = opened.value
    article_tab.wait_for_load_state()
    assert ARTICLE in article_tab.inner_text("h1")
    record = Deflection.objects.get()
    assert not record.submitted

    page.bring_to_front()
    page.fill("#id_name", "김민지")
    page.fill("#id_email", "minji@example.kr")
    page.select_option("#id_category", "delivery")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_selector("#case-reference")
    # The beacon is its own request and may land just after the form's; give it a moment.
    for _attempt in range(50):
        record.refresh_from_db()
        if record.submitted:
            break
        page.wait_for_timeout(100)
    assert record.submitted
    assert not record.deflected


def test_an_agent_inserts_a_suggested_article_link_into_the_reply(
    browser_page: Any, live_server: Any, alice: Any, make_case: Any
) -> None:
    seed_help_centre()
    case = make_case("배송지 변경 요청", "배송지를 회사 주소로 바꾸고 싶어요.")
    page = browser_page
    page.goto(f"{live_server.url}/workspace/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "pw-alice")
    page.locator("form button[type=submit]").last.click()
    page.goto(f"{live_server.url}/workspace/cases/{case.pk}/")

    article = Article.objects.get(title=ARTICLE)
    button = page.locator(f"[data-kb-insert='{live_server.url}/help/articles/{article.pk}/']")
    button.click()

    assert f"/help/articles/{article.pk}/" in page.input_value("#reply-body")
    for _attempt in range(50):
        if ArticleUse.objects.filter(article=article, case=case, how="link").exists():
            break
        page.wait_for_timeout(100)
    assert ArticleUse.objects.filter(article=article, case=case, how="link").exists()
