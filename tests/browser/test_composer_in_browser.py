"""The agent's day in the Korean workspace, in Debian's chromium: a macro picked with "/" that solves the case,
a bulk assignment and a merge from the inbox, and a whole case worked with only the composer and the panel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from soridam.accounts.models import User
from soridam.cases.models import Case
from soridam.cases.stages import STAGE_ORDER
from soridam.macros.models import Macro
from tests.browser.htmx import select_when_wired

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, base_url: str) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base_url}/workspace/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "pw-alice")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base_url}/workspace/")
    return errors


def test_agent_answers_with_a_macro_that_solves_the_case(
    browser_page: Any, live_server: Any, alice: User, make_case: Callable[..., Case]
) -> None:
    page = browser_page
    case = make_case(name="김민지")
    Macro.objects.create(name="교환 완료 안내", body="{{customer.name}} 님, 교환을 마쳤습니다.", set_status="solved")
    Macro.objects.create(name="환불 안내", body="환불해 드렸습니다.")
    errors = _sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/workspace/cases/{case.pk}/")
    page.keyboard.press("r")
    page.keyboard.type("/교환")  # "/" at the start of the composer filters the macros; Enter takes the first
    assert page.locator("#reply-macro option:not([hidden])").count() == 2  # "No macro" and the match
    page.keyboard.press("Enter")
    assert page.input_value("#reply-body") == "{{customer.name}} 님, 교환을 마쳤습니다."
    page.click("#reply-send")
    page.wait_for_selector(".message-body:has-text('김민지 님, 교환을 마쳤습니다.')")
    case.refresh_from_db()
    assert case.status == "solved"
    assert case.messages.get(kind="reply").body == "김민지 님, 교환을 마쳤습니다."
    assert errors == []


def test_agent_bulk_assigns_three_cases_and_merges_two(
    browser_page: Any, live_server: Any, alice: User, lena: User, make_case: Callable[..., Case]
) -> None:
    page = browser_page
    first, second, third = (make_case(subject=f"배송 문의 {n}") for n in range(3))
    errors = _sign_in(page, live_server.url)
    page.check(f"input[aria-label='{first.reference} 선택']")
    page.check(f"input[aria-label='{second.reference} 선택']")
    page.keyboard.press("j")  # the newest row (third) chosen with the keyboard, ticked with x
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("x")
    assert page.is_checked(f"input[aria-label='{third.reference} 선택']")
    page.select_option("#bulk-action", "assign")
    page.select_option("#bulk-assignee", str(lena.pk))
    page.click("#bulk-apply")
    page.wait_for_selector("text=사건 3건을 변경했습니다.")
    assert {case.assignee_id for case in Case.objects.all()} == {lena.pk}

    page.check(f"input[aria-label='{first.reference} 선택']")
    page.check(f"input[aria-label='{second.reference} 선택']")
    page.select_option("#bulk-action", "merge")
    page.click("#bulk-apply")
    page.wait_for_selector("text=사건 1건을 변경했습니다.")
    second.refresh_from_db()
    assert (second.status, second.related_case_id) == ("merged", first.pk)
    assert errors == []


def test_agent_works_a_case_from_intake_to_solved_with_the_composer_and_the_panel(
    browser_page: Any, live_server: Any, alice: User, lena: User, make_case: Callable[..., Case]
) -> None:
    page = browser_page
    case = make_case()
    errors = _sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/workspace/cases/{case.pk}/")
    page.keyboard.press("n")  # an internal note first
    page.keyboard.type("택배사에 확인 요청함")
    page.click("#reply-send")
    page.wait_for_selector(".message-note:has-text('택배사에 확인 요청함')")
    select_when_wired(page, "#priority-to", "high")
    select_when_wired(page, "#assign-to", str(lena.pk))
    page.fill("#tag-add", "파손")
    page.press("#tag-add", "Enter")
    page.wait_for_selector(".tag:has-text('파손')")
    for stage in STAGE_ORDER[1:]:
        select_when_wired(page, "#stage-to", stage.value)
    page.fill("#reply-body", "새 제품을 보내 드렸습니다. 이용해 주셔서 감사합니다.")
    page.select_option("#reply-cause", "product_defect")  # solving asks for the cause (R-RCA-2)
    page.click("#reply-send-solved")
    page.wait_for_selector("#status-to option[value='solved'][selected]", state="attached")
    case.refresh_from_db()
    assert (case.stage, case.status, case.priority, case.assignee) == ("follow_up", "solved", "high", lena)
    assert list(case.tags.values_list("name", flat=True)) == ["파손"]
    assert case.messages.filter(kind="note").count() == 1
    assert case.messages.filter(kind="reply").count() == 1
    assert errors == []
