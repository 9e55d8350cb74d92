"""The check-in (R-FOLLOW-2): "solved?" 3 Korean business days after the resolution notice; "no" reopens,
"yes" or silence (3 business days more) closes; the periodic job does each thing once."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client

from soridam.audit.actors import Actor
from soridam.audit.models import AuditEntry
from soridam.cases import actions
from soridam.cases.models import Case, EventKind, Status, TimelineEvent
from soridam.followup.models import CheckIn, CheckInAnswer
from soridam.followup.tasks import run_check_ins
from soridam.notifications.models import NotificationKind, OutboundMessage

pytestmark = pytest.mark.django_db
KST = ZoneInfo("Asia/Seoul")
# Friday 2026-09-18, 15:00 KST: 3 business days later is Wednesday 23 (Mon 21, Tue 22, Wed 23). 추석 2026 is
# Thu 24 – Sat 26 Sep, so the 3 more business days of silence are Mon 28, Tue 29 and Wed 30.
SOLVED_AT = datetime(2026, 9, 18, 15, 0, tzinfo=KST)


@pytest.fixture(autouse=True)
def _roomy_throttle(settings: Any) -> None:
    settings.SORIDAM_CONTACT_THROTTLE = 50


def _links(case: Case) -> dict[str, str]:
    body = OutboundMessage.objects.get(case=case, kind=NotificationKind.CHECK_IN).body
    return {answer: path for path, answer in re.findall(r"https?://[^/\s]+(/check-in/\S+/(solved|not-solved)/)", body)}


def _run(django_capture_on_commit_callbacks: Any) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return int(run_check_ins.call())


def test_check_in_is_asked_three_business_days_after_the_resolution_skipping_the_weekend_and_chuseok(
    make_case: Callable[..., Case],
    solve: Callable[[Case], Case],
    at: Callable[[datetime], Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    at(SOLVED_AT)
    case = solve(make_case())
    check_in = CheckIn.objects.get(case=case)
    assert check_in.due_at == datetime(2026, 9, 23, 15, 0, tzinfo=KST)
    at(datetime(2026, 9, 23, 14, 59, tzinfo=KST))
    assert _run(django_capture_on_commit_callbacks) == 0
    assert not OutboundMessage.objects.filter(case=case, kind=NotificationKind.CHECK_IN).exists()
    at(datetime(2026, 9, 23, 15, 0, tzinfo=KST))
    assert _run(django_capture_on_commit_callbacks) == 1
    assert _run(django_capture_on_commit_callbacks) == 0  # idempotent: asked once
    sent = OutboundMessage.objects.get(case=case, kind=NotificationKind.CHECK_IN)
    assert sent.recipient == "kim@example.kr"
    assert set(_links(case)) == {"solved", "not-solved"}
    check_in.refresh_from_db()
    assert check_in.closes_at == datetime(2026, 9, 30, 15, 0, tzinfo=KST)
    assert any("/check-in/" in message.body for message in mail.outbox)


def test_not_solved_reopens_the_case_with_timeline_and_audit(
    client: Client,
    make_case: Callable[..., Case],
    solve: Callable[[Case], Case],
    at: Callable[[datetime], Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    at(SOLVED_AT)
    case = solve(make_case())
    at(datetime(2026, 9, 23, 16, 0, tzinfo=KST))
    _run(django_capture_on_commit_callbacks)
    path = _links(case)["not-solved"]
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert 'id="check-in-form"' in page.content.decode()
    case.refresh_from_db()
    assert case.status == Status.SOLVED  # opening the link (a mail scanner does) changes nothing
    answered = client.post(path, HTTP_ACCEPT_LANGUAGE="en")
    assert "We have reopened your case" in answered.content.decode()
    case.refresh_from_db()
    assert case.status == Status.OPEN
    assert CheckIn.objects.get(case=case).answer == CheckInAnswer.NOT_SOLVED
    assert TimelineEvent.objects.filter(case=case, kind=EventKind.CHECK_IN_ANSWERED, to_value="not_solved").exists()
    assert AuditEntry.objects.filter(action="case.check_in_answered").count() == 1
    client.post(_links(case)["solved"])  # a second click changes nothing
    case.refresh_from_db()
    assert case.status == Status.OPEN


def test_solved_closes_the_case(
    client: Client,
    make_case: Callable[..., Case],
    solve: Callable[[Case], Case],
    at: Callable[[datetime], Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    at(SOLVED_AT)
    case = solve(make_case())
    at(datetime(2026, 9, 23, 16, 0, tzinfo=KST))
    _run(django_capture_on_commit_callbacks)
    assert client.post(_links(case)["solved"]).status_code == 200
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert CheckIn.objects.get(case=case).answer == CheckInAnswer.SOLVED


def test_silence_closes_the_case_after_three_more_business_days(
    make_case: Callable[..., Case],
    solve: Callable[[Case], Case],
    at: Callable[[datetime], Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    at(SOLVED_AT)
    case = solve(make_case())
    at(datetime(2026, 9, 23, 15, 0, tzinfo=KST))
    _run(django_capture_on_commit_callbacks)
    at(datetime(2026, 9, 30, 14, 59, tzinfo=KST))
    assert _run(django_capture_on_commit_callbacks) == 0
    at(datetime(2026, 9, 30, 15, 0, tzinfo=KST))
    assert _run(django_capture_on_commit_callbacks) == 1
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert CheckIn.objects.get(case=case).answer == CheckInAnswer.SILENCE
    assert _run(django_capture_on_commit_callbacks) == 0


def test_a_case_reopened_before_the_check_in_is_not_asked(
    make_case: Callable[..., Case],
    solve: Callable[[Case], Case],
    at: Callable[[datetime], Any],
    django_capture_on_commit_callbacks: Any,
    agent_actor: Actor,
) -> None:
    at(SOLVED_AT)
    case = solve(make_case())
    actions.change_status(case, Status.OPEN, actor=agent_actor)
    at(datetime(2026, 9, 24, 10, 0, tzinfo=KST))
    _run(django_capture_on_commit_callbacks)
    assert not OutboundMessage.objects.filter(case=case, kind=NotificationKind.CHECK_IN).exists()
    assert not CheckIn.objects.filter(case=case).exists()


def test_forged_check_in_link_gets_a_friendly_page(client: Client) -> None:
    response = client.post("/check-in/forged/solved/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "This survey link does not work" in response.content.decode()
