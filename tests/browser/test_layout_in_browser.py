"""The inbox and the case page fit common screens: the case reference stays on one line and nothing overflows
sideways (issue 11, item 10). Screenshots land in var/screenshots/ for a person to look at."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, Priority
from soridam.sla.models import BusinessCalendar, SlaPolicy, WorkingHours

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = ((1366, 768), (1400, 900), (1920, 1080))
SHOTS = Path(django_settings.BASE_DIR) / "var" / "screenshots"

MEASURE = """sel => {
  const one = document.querySelector(sel);
  const sla = Array.from(document.querySelectorAll('.inbox-table tr > :last-child, .case-facts'));
  return {
    referenceLines: one ? one.getClientRects().length : 0,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    slaRight: Math.max(0, ...sla.map(cell => cell.getBoundingClientRect().right)) - window.innerWidth,
  };
}"""


def _busy_inbox(make_case: Callable[..., Case], alice: User) -> Case:
    calendar = BusinessCalendar.objects.create(name="Office", always_open=True, is_default=True)
    WorkingHours.objects.create(calendar=calendar, weekday=0, start=time(9), end=time(18))
    SlaPolicy.objects.create(
        name="Standard", first_response_minutes=240, next_response_minutes=120, resolution_minutes=960
    )
    alice.display_name = "김앨리스 상담원 (배송팀 야간 교대)"
    alice.save(update_fields=["display_name"])
    subject = "주문한 냉장고가 찌그러진 채로 배송되었고 설치 기사님도 약속 시간에 오지 않으셨습니다 교환 부탁드립니다"
    cases = [
        make_case(subject=f"{subject} {n}", email=f"c{n}@example.kr", name="남궁민수아", priority=Priority.URGENT)
        for n in range(8)
    ]
    for case in cases:
        actions.assign(case, alice, actor=Actor(user=alice))
    return cases[0]


def _sign_in(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/workspace/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "pw-alice")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_selector(".inbox-table")


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_inbox_and_case_page_keep_the_reference_on_one_line_without_overflow(
    browser_page: Any,
    live_server: Any,
    make_case: Callable[..., Case],
    alice: User,
    width: int,
    height: int,
) -> None:
    case = _busy_inbox(make_case, alice)
    page = browser_page
    page.set_viewport_size({"width": width, "height": height})
    _sign_in(page, live_server.url)
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = {
        "inbox": ("/workspace/", ".inbox-table .case-link"),
        "case": (f"/workspace/cases/{case.pk}/", ".case-reference"),
    }
    for name, (path, reference) in pages.items():
        page.goto(live_server.url + path)
        page.screenshot(path=str(SHOTS / f"{name}-{width}x{height}.png"), full_page=True)
        measured = page.evaluate(MEASURE, reference)
        assert measured["referenceLines"] == 1, (name, measured)
        assert measured["overflow"] <= 0, (name, measured)
        assert measured["slaRight"] <= 0, (name, measured)
