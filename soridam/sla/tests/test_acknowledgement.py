"""The case_opened e-mail promises the first-response time from the SLA and the calendar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from soridam.cases import actions
from soridam.cases.models import Case
from soridam.customers.actions import Contact
from soridam.notifications.models import NotificationKind, OutboundMessage
from soridam.notifications.rendering import render_email
from soridam.sla import clock
from soridam.sla.models import BusinessCalendar, ClosedDay, SlaPolicy
from soridam.sla.schedules import schedule_of

KST = ZoneInfo("Asia/Seoul")


def test_acknowledgement_states_reference_and_promised_time_in_english(
    policy: SlaPolicy, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        time_machine.travel(datetime(2028, 9, 29, 17, 50, tzinfo=KST), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        case = _english_case()
    (email,) = mail.outbox
    assert case.reference in email.subject
    assert case.reference in email.body
    assert "We will reply by Oct. 6, 2028, 1:50 p.m. (Korea time)" in email.body
    assert "closed right now" not in email.body  # 17:50 on a working day: open


def test_acknowledgement_in_korean_uses_the_korean_date(policy: SlaPolicy, make_case: Callable[..., Case]) -> None:
    with time_machine.travel(datetime(2028, 9, 29, 17, 50, tzinfo=KST), tick=False):
        make_case()
    (email,) = mail.outbox
    assert "2028년 10월 6일 오후 1:50" in email.body  # Korean order: 오전/오후 before the time


def test_no_policy_no_promise(make_case: Callable[..., Case]) -> None:
    make_case()
    (email,) = mail.outbox
    assert "2028" not in email.body
    assert "Korea time" not in email.body


def _english_case() -> Case:
    from soridam.cases import actions
    from soridam.cases.models import Category

    new = actions.NewCase(
        subject="Late parcel",
        body="My parcel is a week late.",
        contact=Contact(name="Jane", email="jane@example.com", language="en"),
        category=Category.objects.get(slug="delivery"),
    )
    return actions.open_case(new)


def test_filed_while_closed_names_the_next_opening(policy: SlaPolicy, django_capture_on_commit_callbacks: Any) -> None:
    with (
        time_machine.travel(datetime(2028, 10, 3, 20, 0, tzinfo=KST), tick=False),  # 추석 and 개천절
        django_capture_on_commit_callbacks(execute=True),
    ):
        _english_case()
    (email,) = mail.outbox
    assert "We are closed right now and open again at Oct. 6, 2028, 9 a.m. (Korea time)." in email.body
    assert "We will reply by Oct. 6, 2028, 2 p.m. (Korea time)" in email.body


@pytest.mark.parametrize("filed", [datetime(2028, 9, 29, 17, 50, tzinfo=KST), datetime(2028, 10, 3, 20, 0, tzinfo=KST)])
def test_the_acknowledgement_reads_the_same_with_the_kept_schedule(
    policy: SlaPolicy, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch, filed: datetime
) -> None:
    office = BusinessCalendar.objects.get()
    ClosedDay.objects.create(calendar=office, date=date(2028, 10, 6), reason="창립기념일")  # a closed day of its own
    with time_machine.travel(filed, tick=False), django_capture_on_commit_callbacks(execute=False):
        english = _english_case()
        korean = actions.open_case(
            actions.NewCase(subject="배송", body="언제 와요", contact=Contact(name="김민지", email="kim@example.kr"))
        )
    mails = [
        OutboundMessage.objects.select_related("case__customer").get(case=case, kind=NotificationKind.CASE_OPENED)
        for case in (english, korean)
    ]
    with CaptureQueriesContext(connection) as captured:
        kept = [render_email(outbound) for outbound in mails]

    # The schedule built from the calendar's own rows, as every mail did before: the same words, byte for byte.
    monkeypatch.setattr(clock, "schedule_for", lambda sla: schedule_of(sla.calendar))
    assert [render_email(outbound) for outbound in mails] == kept
    assert "2028" in kept[0].body  # a promise was made…
    assert "Oct. 6, 2028" not in kept[0].body  # … past the closed 6th
    assert "2028년 10월 6일" not in kept[1].body
    assert len(captured.captured_queries) <= 2  # each mail's clocks; no calendar rows
