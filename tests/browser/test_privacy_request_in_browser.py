"""A customer's data-subject request from the tracking page, in Debian's chromium (R-SEC-8): the request waits for
the one-time code mailed to the contact on record, a wrong code is refused, the right one starts the 10-business-day
clock, and the privacy officer finds the request in the workspace."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from soridam.accounts.models import User
from soridam.cases.models import Case
from soridam.privacy.models_dsr import RequestKind, RequestState, SubjectRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _mailed_code(address: str) -> str:
    mailed = [message for message in mail.outbox if address in message.to]
    found = re.search(r"(?<!\d)(\d{6})(?!\d)", str(mailed[-1].body)) if mailed else None
    assert found, "no code was mailed to the contact on record"
    return found.group(1)


def _ask_for_export(page: Any, base: str, case: Case) -> SubjectRequest:
    page.goto(f"{base}/track/{case.tracking_token}/")
    page.click(f"a[href='/track/{case.tracking_token}/privacy/']")
    page.check(f"input[name=kind][value={RequestKind.ACCESS}]")
    page.fill("textarea[name=details]", "제 개인정보 전체 사본을 받고 싶습니다.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/privacy/\d+/$"))
    request = SubjectRequest.objects.get(case=case)
    assert request.state == RequestState.AWAITING_CODE
    assert request.due_at is None  # the clock waits for the code
    return request


def _type_code(page: Any, code: str) -> None:
    page.fill("input[name=code]", code)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_customer_asks_from_the_tracking_page_and_confirms_with_the_mailed_code(
    browser_page: Any, live_server: Any, root: User, make_case: Callable[..., Case]
) -> None:
    page, base = browser_page, live_server.url
    case = make_case(email="jiwoo@example.kr", name="박지우")
    request = _ask_for_export(page, base, case)
    code = _mailed_code("jiwoo@example.kr")

    _type_code(page, "000000" if code != "000000" else "111111")
    assert page.locator("main .errorlist").count() == 1
    request.refresh_from_db()
    assert (request.state, request.code_attempts) == (RequestState.AWAITING_CODE, 1)

    _type_code(page, code)
    assert page.locator("main [role=status]").count() == 1
    request.refresh_from_db()
    assert request.state == RequestState.OPEN
    assert request.due_at is not None
    assert timezone.localtime(request.due_at).strftime("%Y-%m-%d") in page.inner_text("main [role=status]")
    assert code not in page.content()

    page.context.clear_cookies()
    page.goto(f"{base}/workspace/login/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", "pw-root")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/workspace/")
    page.goto(f"{base}/workspace/privacy/requests/")
    assert page.locator(f"a[href='/workspace/privacy/requests/{request.pk}/']").count() >= 1
