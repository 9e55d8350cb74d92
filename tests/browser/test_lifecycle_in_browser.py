"""The whole lifecycle as people do it, in Debian's chromium driven by Playwright.

A customer files a complaint in Korean with an attachment; an agent logs in, finds it, replies and moves it through
all six stages, then closes it; the customer sees the reply and the stage on the tracking page and answers the
follow-up survey sent by e-mail.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from soridam.accounts.models import User
from soridam.cases.models import Case
from soridam.cases.stages import STAGE_ORDER
from tests.browser.htmx import select_when_wired

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _file_complaint(page: Any, base_url: str, tmp_path: Any) -> str:
    photo = tmp_path / "파손사진.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    page.goto(f"{base_url}/complaint/")
    page.fill("#id_name", "김민지")
    page.fill("#id_email", "minji@example.kr")
    page.select_option("#id_category", "delivery")
    page.fill("#id_order_number", "ORD-2026-1123")
    page.fill("#id_text", "주문한 냉장고가 찌그러진 채로 배송되었습니다. 교환을 원합니다.")
    page.set_input_files("input[type=file]", str(photo))
    page.locator("form button[type=submit]").last.click()
    page.wait_for_selector("#case-reference")
    reference = page.inner_text("#case-reference").strip()
    assert re.fullmatch(r"C-\d{4}-\d{6}", reference)
    return str(page.get_attribute("#tracking-link", "href"))


def _agent_works_the_case(page: Any, base_url: str, reference: str) -> None:
    page.goto(f"{base_url}/workspace/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "pw-alice")
    page.locator("form button[type=submit]").last.click()
    page.click(f"text={reference}")
    page.wait_for_selector("#reply-body")
    page.fill("#reply-body", "불편을 드려 죄송합니다. 새 제품으로 교환해 드리겠습니다.")
    page.click("#reply-send")
    page.wait_for_selector("text=새 제품으로 교환해 드리겠습니다")
    # The properties panel saves a select as soon as it changes (once htmx has wired the swapped-in panel up).
    for stage in STAGE_ORDER[1:]:
        select_when_wired(page, "#stage-to", stage.value)
    select_when_wired(page, "#status-to", "closed")
    select_when_wired(page, "#status-cause", "logistics")  # closing asks for the cause (R-RCA-2)


def test_customer_files_agent_resolves_customer_tracks_and_rates(
    browser_page: Any, live_server: Any, alice: User, tmp_path: Any
) -> None:
    page = browser_page
    tracking_url = _file_complaint(page, live_server.url, tmp_path)
    case = Case.objects.get()
    assert case.messages.get().attachments.get().filename == "파손사진.png"
    assert any(case.reference in message.subject for message in mail.outbox)

    _agent_works_the_case(page, live_server.url, case.reference)
    case.refresh_from_db()
    assert case.stage == "follow_up"
    assert case.status == "closed"

    page.goto(tracking_url)
    assert "새 제품으로 교환해 드리겠습니다" in page.inner_text("main")
    assert page.inner_text("[aria-current=step]").strip() != ""
    assert "사후" in page.inner_text("[aria-current=step]") or "Follow" in page.inner_text("[aria-current=step]")

    survey_mail = next(message for message in mail.outbox if "/survey/" in message.body)
    survey_url = re.search(r"https?://\S+/survey/\S+/", survey_mail.body)
    assert survey_url is not None
    page.goto(survey_url.group(0))
    page.check("#rating-5")
    page.fill("#survey-comment", "빠른 교환 감사합니다")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.survey.rating == 5
    assert case.survey.comment == "빠른 교환 감사합니다"
