"""An agent sees a notification when the customer replies: the bell's count goes up without a page reload, and the
notification leads to the case (Korean UI)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from soridam.accounts.models import User
from soridam.alerts.models import Alert, AlertKind
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_sees_a_notification_when_the_customer_replies(
    browser_page: Any, live_server: Any, settings: Any, make_case: Callable[..., Case], alice: User, lena: User
) -> None:
    settings.SORIDAM_ALERT_POLL_SECONDS = 1  # the live server runs in this process: the bell asks every second
    case = make_case()
    actions.assign(case, alice, actor=Actor(user=lena))
    Alert.objects.all().delete()  # start from a quiet bell; the assignment's own alert is tested elsewhere
    page = browser_page

    page.goto(f"{live_server.url}/workspace/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "pw-alice")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_selector("#alert-bell")
    page.wait_for_selector("#alert-count-slot[hx-get]", state="attached")  # no string predicate: the CSP bars eval
    page.evaluate("window.stillTheSamePage = true")
    assert page.locator("#alert-count").count() == 0

    customer = page.context.browser.new_context(locale="ko-KR").new_page()
    customer.goto(f"{live_server.url}/track/{case.tracking_token}/")
    customer.fill("#reply-form textarea[name=body]", "아직 배송이 안 왔어요. 언제 오나요?")
    customer.locator("#reply-form button[type=submit]").click()
    customer.wait_for_selector("text=메시지를 보냈습니다")

    page.wait_for_selector("#alert-count", timeout=10_000)
    assert page.inner_text("#alert-count").startswith("1")
    assert page.evaluate("window.stillTheSamePage") is True  # no reload: htmx brought the count

    page.click("#alert-bell")
    page.wait_for_selector("table.alert-list")
    assert "고객이 답장했습니다" in page.inner_text("table.alert-list")
    page.click("table.alert-list >> text=고객이 답장했습니다")
    page.wait_for_url(f"**/workspace/cases/{case.pk}/")
    assert case.reference in page.inner_text("main")
    alert = Alert.objects.get()
    assert alert.kind == AlertKind.CUSTOMER_REPLIED
    assert alert.recipient == alice
    assert alert.read_at is not None
    page.wait_for_timeout(1500)  # another poll: the bell is quiet again
    assert page.locator("#alert-count").count() == 0
