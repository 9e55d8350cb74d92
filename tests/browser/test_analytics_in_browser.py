"""A lead opens the analytics dashboard in Korean: every chart is drawn (pixels on each canvas, legend text),
filters by team and channel, and downloads the CSV (issue 17). Screenshots land in var/screenshots/."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone

from soridam.accounts.models import Membership, Team, User
from soridam.analytics import rollups
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(django_settings.BASE_DIR) / "var" / "screenshots"
CHARTS = ("volume", "rates", "channels", "backlog", "response_times", "cost")
# A canvas with anything drawn on it has some pixel that is not fully transparent.
DRAWN = """canvas => {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
  return false;
}"""
LEGEND = "canvas => Chart.getChart(canvas).legend.legendItems.map(item => item.text)"


def _history(make_case: Callable[..., Case], agents: list[User]) -> None:
    """Cases over the last five days on two teams and three channels, most answered, some solved."""
    now = timezone.now()
    plans = [
        ("delivery", "web"),
        ("delivery", "kakao"),
        ("payment", "phone"),
        ("delivery", "web"),
        ("payment", "kakao"),
    ]
    for day in range(1, 6):
        for index, (category, channel) in enumerate(plans):
            with time_machine.travel(now - timedelta(days=day, hours=index), tick=False):
                case = make_case(email=f"c{day}{index}@example.kr", category=category, channel=channel)
            agent = agents[0] if category == "delivery" else agents[1]
            with time_machine.travel(now - timedelta(days=day, hours=index) + timedelta(minutes=20 * (index + 1))):
                actions.reply(case, "확인해 드렸습니다.", actor=Actor(user=agent))
                if index % 2 == 0:
                    actions.change_status(case, Status.SOLVED, actor=Actor(user=agent))
    rollups.refresh()


def test_lead_sees_every_chart_filters_and_downloads_the_csv(
    browser_page: Any,
    live_server: Any,
    make_case: Callable[..., Case],
    lena: User,
    alice: User,
    bob: User,
    teams: dict[str, Team],
) -> None:
    Membership.objects.create(user=lena, team=teams["payments"], is_lead=True)
    _history(make_case, [alice, bob])
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser_page
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{live_server.url}/workspace/login/")
    page.fill("input[name=username]", "lena")
    page.fill("input[name=password]", "pw-lena")
    page.locator("form button[type=submit]").last.click()
    page.goto(f"{live_server.url}/workspace/analytics/?days=7")
    assert page.locator("h1").inner_text() == "분석"
    _assert_charts_drawn(page)
    assert page.locator("canvas[data-chart=volume]").evaluate(LEGEND) == ["접수된 상담", "해결된 상담"]
    page.screenshot(path=str(SHOTS / "analytics-dashboard-ko.png"), full_page=True)
    all_cases = _card(page, "상담 건수")
    assert all_cases == "25"

    page.select_option("#id_team", str(teams["payments"].pk))
    page.select_option("#id_channel", "kakao")
    page.locator("#analytics-filters button[type=submit]").click()
    page.wait_for_url("**channel=kakao**")
    assert _card(page, "상담 건수") == "5"  # payments on KakaoTalk: one a day
    _assert_charts_drawn(page)
    page.screenshot(path=str(SHOTS / "analytics-dashboard-payments-kakao-ko.png"), full_page=True)

    page.fill("#analytics-export-reason", "월간 보고")
    with page.expect_download() as download_info:
        page.click("#analytics-export")
    saved = SHOTS / "analytics-export.csv"
    download_info.value.save_as(str(saved))
    lines = saved.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("날짜,팀,")
    assert len(lines) > 1
    assert all(",kakao," in line for line in lines[1:])


def _assert_charts_drawn(page: Any) -> None:
    # Polled from here: a string predicate in the page would be eval, which the CSP refuses.
    page.wait_for_selector("canvas[data-chart]", state="attached")
    for _ in range(100):
        if page.evaluate("typeof Chart !== 'undefined'"):
            break
        page.wait_for_timeout(100)
    for chart in CHARTS:
        canvas = page.locator(f"canvas[data-chart={chart}]")
        page.wait_for_function(f"Chart.getChart(document.querySelector('canvas[data-chart={chart}]'))")
        assert canvas.evaluate(DRAWN), f"the {chart} chart drew nothing"
        legend = canvas.evaluate(LEGEND)
        assert legend, f"the {chart} chart has no legend"
        assert all(text for text in legend), f"the {chart} chart has an empty legend entry"


def _card(page: Any, label: str) -> str:
    return page.locator(".analytics-card", has_text=label).locator("strong").inner_text()
