"""An agent filters the inbox, saves the filters as a view, sees it with its count beside the built-in views
and opens it again later (issue 11, "Views"), in the Korean UI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from soridam.accounts.models import User
from soridam.cases.models import Case
from soridam.saved_views.models import SavedView
from tests.browser.htmx import select_when_wired

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_saves_a_filtered_view_sees_its_count_and_opens_it(
    browser_page: Any, live_server: Any, make_case: Callable[..., Case], alice: User
) -> None:
    urgent = [make_case(subject=f"긴급 문의 {n}", priority="urgent") for n in range(2)]
    calm = make_case(subject="여유 있는 문의", priority="low")
    page = browser_page
    page.goto(f"{live_server.url}/workspace/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "pw-alice")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/workspace/")
    assert page.inner_text("a[data-view=open] .view-count") == "3"
    select_when_wired(page, "#filter-priority", "urgent")
    page.wait_for_url("**/workspace/?priority=urgent")
    page.click("text=이 보기 저장")
    page.fill("#save-view-name", "긴급만")
    page.click("#save-view-send")
    page.wait_for_selector("text=보기를 저장했습니다.")

    view = SavedView.objects.get()
    assert (view.owner_id, view.priority) == (alice.pk, "urgent")
    saved_link = page.locator(f"a[data-saved-view='{view.pk}']")
    assert "긴급만" in saved_link.inner_text()
    assert saved_link.locator(".view-count").inner_text() == "2"

    page.goto(f"{live_server.url}/workspace/")  # later, from the plain inbox
    page.locator(f"a[data-saved-view='{view.pk}']").click()
    page.wait_for_selector(f"a[data-saved-view='{view.pk}'][aria-current=page]")
    table = page.inner_text("table.inbox-table")
    assert all(case.reference in table for case in urgent)
    assert calm.reference not in table
