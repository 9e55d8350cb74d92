"""Personal data in Debian's chromium: a plain agent sees it masked on every surface; a lead reveals it with a
reason and finds the reveal in the access log (R-SEC-4)."""

from __future__ import annotations

from typing import Any

import pytest

from soridam.accounts.models import ApiToken, User
from soridam.cases.models import Case
from soridam.channels.models import ChannelMessage
from soridam.privacy.models import AccessAction, AccessLog
from soridam.privacy.tests.data import (
    BODY,
    CARD,
    EMAIL,
    MASKED,
    PHONE,
    RRN,
    SUBJECT,
    assert_nothing_in_full,
    masked,
    open_pii_case,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pii_case(alice: User, lena: User) -> Case:
    User.objects.filter(pk__in=[alice.pk, lena.pk]).update(language="en")
    case = open_pii_case()
    message = case.messages.get()
    ChannelMessage.objects.create(
        message=message, case=case, external_id="<a1@example.com>", sender=EMAIL, subject=SUBJECT, full_text=BODY
    )
    return case


def _sign_in(page: Any, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/workspace/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"pw-{username}")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base_url}/workspace/")


def _shows_only_masks(page: Any) -> str:
    html = page.content()
    assert_nothing_in_full(html)
    return str(page.inner_text("main") if page.locator("main").count() else page.inner_text("body"))


def test_agent_sees_every_value_masked_and_a_lead_reveals_with_a_reason(
    browser_page: Any, live_server: Any, alice: User, pii_case: Case
) -> None:
    page, base = browser_page, live_server.url
    _sign_in(page, base, "alice")
    assert masked(SUBJECT) in _shows_only_masks(page)  # the inbox

    page.goto(f"{base}/workspace/search/?q=환불+문의")
    assert masked(SUBJECT) in _shows_only_masks(page)

    page.goto(f"{base}/workspace/cases/{pii_case.pk}/")
    text = _shows_only_masks(page)
    assert masked(SUBJECT) in page.inner_text(".case-header h1")  # the header
    assert "+8210****5678" in page.inner_text(".case-facts")  # the customer's own number: E.164, masked
    assert MASKED[1] in page.inner_text(".case-facts")
    assert masked(BODY) in page.inner_text(".message-body")  # the panel
    assert "Reveal personal data" not in text

    _token, raw = ApiToken.issue(alice)
    bearer = {"Authorization": f"Bearer {raw}"}
    case_json = page.request.get(f"{base}/api/v1/cases/{pii_case.pk}", headers=bearer)
    messages_json = page.request.get(f"{base}/api/v1/cases/{pii_case.pk}/messages", headers=bearer)
    assert case_json.json()["subject"] == masked(SUBJECT)
    assert messages_json.json()["items"][0]["body"] == masked(BODY)
    assert_nothing_in_full(case_json.text() + messages_json.text())

    message_id = pii_case.messages.get().pk
    original = page.goto(f"{base}/workspace/channels/messages/{message_id}/original/")
    assert original is not None
    assert original.status == 403
    assert_nothing_in_full(page.content())

    _lead_reveals_and_finds_the_access_log(page, base, pii_case, message_id)


def _lead_reveals_and_finds_the_access_log(page: Any, base: str, case: Case, message_id: int) -> None:
    _sign_in(page, base, "lena")
    page.goto(f"{base}/workspace/cases/{case.pk}/")
    _shows_only_masks(page)  # leads too see masks until they give a reason
    page.fill(f"#reveal-reason-{message_id}", "고객이 결제 카드 확인을 요청함")
    page.get_by_role("button", name="Reveal personal data").click()
    revealed = page.locator(".message-revealed").inner_text()
    assert all(value in revealed for value in (PHONE, EMAIL, RRN, CARD))

    page.goto(f"{base}/workspace/cases/{case.pk}/")
    log = page.locator("section[aria-labelledby=access-log-title]").inner_text()
    assert "고객이 결제 카드 확인을 요청함" in log
    assert "Revealed personal data" in log

    page.goto(f"{base}/workspace/channels/messages/{message_id}/original/")
    page.fill("#id_reason", "결제 분쟁 증빙")
    page.get_by_role("button", name="Open the original").click()
    page.wait_for_selector(".original-text")
    assert CARD in page.inner_text(".original-text")
    seen = AccessLog.objects.filter(action__in=(AccessAction.REVEAL, AccessAction.VIEW_ORIGINAL))  # views too
    entries = list(seen.order_by("id").values_list("user__username", "action", "reason"))
    assert entries == [
        ("lena", AccessAction.REVEAL, "고객이 결제 카드 확인을 요청함"),
        ("lena", AccessAction.VIEW_ORIGINAL, "결제 분쟁 증빙"),
    ]
