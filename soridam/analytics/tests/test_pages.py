"""The dashboard, its export, the staffing page and the weekly report, as leads, agents and admins see them."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client

from soridam.accounts.models import Team, User
from soridam.analytics import report, rollups
from soridam.analytics.models import ReportSubscription
from soridam.analytics.tests.conftest import kst
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case
from soridam.sla.models import SlaPolicy

pytestmark = pytest.mark.django_db
NOW = kst(2026, 11, 25, 12, 0)


@pytest.fixture
def history(policy: SlaPolicy, make_case: Callable[..., Case], alice: User, bob: User) -> list[Case]:
    """Two delivery cases answered by alice, one payments case answered by bob, on 11-23."""
    cases = []
    for email, category, agent in (
        ("a@x.kr", "delivery", alice),
        ("b@x.kr", "delivery", alice),
        ("c@x.kr", "payment", bob),
    ):
        with time_machine.travel(kst(2026, 11, 23, 10, 0), tick=False):
            case = make_case(email=email, category=category)
            actions.assign(case, agent, actor=Actor(user=agent))
        with time_machine.travel(kst(2026, 11, 23, 10, 30), tick=False):
            actions.reply(case, "Answer.", actor=Actor(user=agent))
        cases.append(case)
    with time_machine.travel(NOW, tick=False):
        rollups.refresh()
    return cases


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_lead_sees_every_chart_and_each_agents_figures(history: list[Case], lena: User) -> None:
    with time_machine.travel(NOW, tick=False):
        page = _client(lena).get("/workspace/analytics/?days=7", HTTP_ACCEPT_LANGUAGE="ko")
    text = page.content.decode()
    assert page.status_code == 200
    for chart in ("volume", "rates", "channels", "backlog", "response_times", "cost"):
        assert f'data-chart="{chart}"' in text
    assert "vendor/chart.js/dist/chart.umd.min.js" in text
    assert "alice" in text  # the agent table (lena leads Delivery, alice's team)
    assert page.context["figures"].volume == 2  # lena's scope is her team: bob's payments case is not in it


def test_an_agent_sees_team_figures_but_no_agents_even_when_asking(history: list[Case], alice: User, bob: User) -> None:
    with time_machine.travel(NOW, tick=False):
        page = _client(alice).get(f"/workspace/analytics/?days=7&agent={bob.pk}")
    assert page.status_code == 200
    assert page.context["agent_rows"] == []
    assert "agent" not in page.context["form"].fields
    assert page.context["figures"].volume == 2  # the delivery team's cases, not bob's


def test_an_agent_asking_for_another_team_gets_their_own(history: list[Case], alice: User, teams: dict) -> None:
    with time_machine.travel(NOW, tick=False):
        page = _client(alice).get(f"/workspace/analytics/?days=7&team={teams['payments'].pk}")
    assert page.context["figures"].volume == 2


def test_an_admin_filters_by_team_and_channel(history: list[Case], root: User, teams: dict) -> None:
    with time_machine.travel(NOW, tick=False):
        everything = _client(root).get("/workspace/analytics/?days=7")
        payments = _client(root).get(f"/workspace/analytics/?days=7&team={teams['payments'].pk}")
        phone = _client(root).get("/workspace/analytics/?days=7&channel=phone")
    assert everything.context["figures"].volume == 3
    assert payments.context["figures"].volume == 1
    assert phone.context["figures"].volume == 0


def test_the_csv_export_streams_the_rollup_rows(history: list[Case], root: User) -> None:
    User.objects.filter(pk=root.pk).update(language="en")  # English column names
    with time_machine.travel(NOW, tick=False):
        response = _client(root).post("/workspace/analytics/export.csv?days=7", {"reason": "월간 보고"})
        body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="soridam-analytics-')
    rows = list(csv.DictReader(io.StringIO(body)))
    assert sum(int(row["cases"]) for row in rows) == 3
    assert {row["agent"] for row in rows} == {"alice", "bob"}
    assert {row["day"] for row in rows} == {"2026-11-23"}


def test_the_csv_export_writes_formula_like_names_as_text(history: list[Case], root: User) -> None:
    """CSV injection (R-SEC-10): a name a spreadsheet would run is written with a leading apostrophe."""
    User.objects.filter(username="alice").update(display_name='=HYPERLINK("http://evil.test","x")')
    User.objects.filter(username="bob").update(display_name="@SUM(1+1)")
    Team.objects.filter(slug="delivery").update(name="+delivery")
    with time_machine.travel(NOW, tick=False):
        response = _client(root).post("/workspace/analytics/export.csv?days=7", {"reason": "월간 보고"})
        body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    cells = {cell for row in csv.reader(io.StringIO(body)) for cell in row}
    assert """'=HYPERLINK("http://evil.test","x")""" in cells
    assert "'@SUM(1+1)" in cells
    assert "'+delivery" in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def test_the_staffing_page_plans_agents_per_hour(history: list[Case], lena: User) -> None:
    with time_machine.travel(NOW, tick=False):
        page = _client(lena).get(
            "/workspace/analytics/staffing/?handle_seconds=180&target_percent=80&answer_seconds=20&shrinkage_percent=30"
        )
    assert page.status_code == 200
    assert len(page.context["days"]) == 14
    assert 'data-chart="staffing"' in page.content.decode()


def test_the_weekly_report_goes_to_leads_who_opted_in_once_a_week(history: list[Case], lena: User) -> None:
    with time_machine.travel(NOW, tick=False):
        _client(lena).post("/workspace/analytics/report/", {"weekly": "on"})
    assert ReportSubscription.objects.get(user=lena).weekly
    mail.outbox.clear()  # the cases' own acknowledgements
    assert report.send_due(NOW) == 1
    assert report.send_due(NOW + timedelta(days=1)) == 0
    assert report.send_due(NOW + timedelta(days=7)) == 1
    assert [message.to for message in mail.outbox] == [["lena@shop.test"]] * 2
    assert "/workspace/analytics/" in mail.outbox[0].body
