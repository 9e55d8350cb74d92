"""In Debian's chromium: a reply e-mail shows only the customer's new words; one click opens the whole text
(quoted history and signature), masked for a plain agent."""

from __future__ import annotations

from typing import Any

import pytest

from soridam.accounts.models import Team, User
from soridam.channels import pipeline
from soridam.channels.email.tests.mails import mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "교환 상품 아직 못 받았어요.\n\niPhone에서 보냄\n\n"
    "2026. 11. 22. 오후 3:04에 하루장터 고객센터 이(가) 쓴 글:\n"
    "> 교환 상품을 어제 보내 드렸습니다.\n> 기사님 연락처는 010-2345-6789입니다."
)
_WIRED = """() => {
  const details = document.querySelector('details.message-full-text');
  const data = details && details['htmx-internal-data'];
  return Boolean(data && data.initHash);
}"""


def test_the_agent_opens_the_quoted_text_under_a_reply_in_one_click(
    browser_page: Any, live_server: Any, teams: dict[str, Team], alice: User
) -> None:
    User.objects.filter(pk=alice.pk).update(language="en")
    payload, _new = pipeline.receive("email", mail(body=BODY), process_now=True)
    assert payload.case is not None
    payload.case.team = teams["delivery"]
    payload.case.save()
    page, base = browser_page, live_server.url
    page.goto(f"{base}/workspace/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "pw-alice")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/workspace/")

    page.goto(f"{base}/workspace/cases/{payload.case.pk}/")
    assert page.inner_text(".message-body").strip() == "교환 상품 아직 못 받았어요."
    page.wait_for_function(_WIRED)
    page.get_by_text("Show the whole message (quoted text and signature)").click()
    page.wait_for_selector("details.message-full-text pre.message-full-text-body")
    whole = page.inner_text("details.message-full-text pre.message-full-text-body")
    assert "교환 상품을 어제 보내 드렸습니다." in whole
    assert "iPhone에서 보냄" in whole
    assert "010-2345-6789" not in whole
    assert "010-****-6789" in whole
