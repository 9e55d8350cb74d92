"""The customer notification policy (issue 11): a quiet inbox by default, silent moves, held messages that
combine the case's changes, and the survey on the solved message. Mail goes through a real SMTP server."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import Message as MimeMessage
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, Status
from soridam.cases.stages import STAGE_KOREAN, STAGE_ORDER, Stage
from soridam.notifications import policy
from soridam.notifications.models import NotificationRule, OutboundMessage
from soridam.notifications.tasks import sweep_outbox

if TYPE_CHECKING:
    from conftest import Mailbox

pytestmark = [pytest.mark.django_db, pytest.mark.smtp]

Run = Callable[..., Any]


def _text(message: MimeMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())  # type: ignore[attr-defined]


@pytest.fixture
def run(django_capture_on_commit_callbacks: Any) -> Run:
    """Call an action as a request would: its after-commit jobs (the deliveries) run when it returns."""

    def call(action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return call


def _send_held_mail(minutes: int = 16) -> None:
    """The sweep, run once the held messages' time (and a lease) has passed."""
    with time_machine.travel(timezone.now() + timedelta(minutes=minutes)):
        sweep_outbox.call()


def _walk_all_stages(run: Run, case: Case, actor: Actor, **options: Any) -> None:
    for stage in STAGE_ORDER[1:]:
        run(actions.change_stage, case, stage, actor=actor, **options)


def test_case_moved_through_all_six_stages_and_solved_mails_its_customer_three_times(
    smtp_server: Mailbox, make_case: Callable[..., Case], agent_actor: Actor, run: Run, client: Client
) -> None:
    case = make_case(email="minji@example.kr")
    run(actions.reply, case, "새 상품을 내일 보내 드리겠습니다.", actor=agent_actor)
    _walk_all_stages(run, case, agent_actor)
    run(actions.change_status, case, Status.SOLVED, actor=agent_actor)
    assert len(smtp_server.messages) == 2  # "resolution proposed" and "solved" wait to be combined
    _send_held_mail()

    ack, reply, solved = [message for _envelope, message in smtp_server.messages]
    assert case.reference in str(ack["Subject"])
    assert "새 상품을 내일 보내 드리겠습니다." in _text(reply)
    assert "해결" in str(solved["Subject"])
    assert re.search(r"/survey/[^/\s]+/", _text(solved)), "the solved mail carries the survey link"
    sent = OutboundMessage.objects.filter(case=case, state="sent")
    assert sorted(sent.values_list("kind", flat=True)) == ["agent_reply", "case_opened", "case_solved"]

    page = client.get(reverse("web:track", args=[case.tracking_token])).content.decode()
    history = page[page.index('id="public-timeline"') :]
    for stage in STAGE_ORDER[1:]:
        assert str(Stage(stage).label) in history or STAGE_KOREAN[stage] in history


def test_silent_stage_change_sends_nothing_and_only_staff_see_that_it_was_silent(
    smtp_server: Mailbox, make_case: Callable[..., Case], agent_actor: Actor, run: Run
) -> None:
    case = make_case()
    run(actions.change_stage, case, Stage.NOTIFICATION, actor=agent_actor, notify=False)  # mailed when not silent
    _send_held_mail()
    assert len(smtp_server.messages) == 1  # the acknowledgement only
    assert not OutboundMessage.objects.filter(case=case, kind="stage_changed").exists()
    marker = case.events.get(kind="not_notified")
    assert (marker.to_value, marker.is_public) == (Stage.NOTIFICATION, False)
    assert case.events.get(kind="stage_changed").is_public  # the tracking page still shows the stage


def test_silent_solve_sends_no_solved_mail_and_no_survey(
    smtp_server: Mailbox, make_case: Callable[..., Case], agent_actor: Actor, run: Run
) -> None:
    case = make_case()
    run(actions.change_status, case, Status.SOLVED, actor=agent_actor, notify=False)
    _send_held_mail()
    assert len(smtp_server.messages) == 1
    assert not hasattr(Case.objects.get(pk=case.pk), "survey")
    assert case.events.filter(kind="not_notified", to_value=Status.SOLVED, is_public=False).exists()


def test_workspace_checkbox_moves_the_case_silently(
    smtp_server: Mailbox,
    alice_client: Client,
    make_case: Callable[..., Case],
    django_capture_on_commit_callbacks: Any,
) -> None:
    case = make_case()
    page = alice_client.get(f"/workspace/cases/{case.pk}/").content.decode()
    assert 'type="checkbox" name="silent" id="stage-silent"' in page
    assert 'type="checkbox" name="silent" id="status-silent"' in page
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(f"/workspace/cases/{case.pk}/stage/", {"to": Stage.NOTIFICATION, "silent": "on"})
        alice_client.post(
            f"/workspace/cases/{case.pk}/status/", {"status": Status.SOLVED, "silent": "on", "cause": "process"}
        )
    _send_held_mail()
    assert len(smtp_server.messages) == 1
    case.refresh_from_db()
    assert (case.stage, case.status) == (Stage.NOTIFICATION, Status.SOLVED)
    assert OutboundMessage.objects.filter(case=case).values_list("kind", flat=True).get() == "case_opened"
    assert sorted(case.events.filter(kind="not_notified").values_list("to_value", flat=True)) == [
        Stage.NOTIFICATION,
        Status.SOLVED,
    ]
    assert "고객에게 알리지 않음" in alice_client.get(f"/workspace/cases/{case.pk}/").content.decode()


def test_api_notify_false_moves_the_case_silently(
    api_client: Callable[[User], Client], alice: User, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    client = api_client(alice)
    moved = client.post(
        f"/api/v1/cases/{case.pk}/transition", {"to": "notification", "notify": False}, content_type="application/json"
    )
    assert moved.status_code == 200, moved.content
    patched = client.patch(
        f"/api/v1/cases/{case.pk}", {"status": "solved", "notify": False}, content_type="application/json"
    )
    assert patched.status_code == 200, patched.content
    assert list(OutboundMessage.objects.filter(case=case).values_list("kind", flat=True)) == ["case_opened"]
    assert case.events.filter(kind="not_notified").count() == 2


def test_policy_admin_switching_stage_mails_on_makes_them_go_out(
    smtp_server: Mailbox, root: User, make_case: Callable[..., Case], agent_actor: Actor, run: Run
) -> None:
    case = make_case()
    run(actions.change_stage, case, Stage.CLASSIFICATION, actor=agent_actor)
    assert not OutboundMessage.objects.filter(case=case, kind="stage_changed").exists()  # off by default

    admin = Client()
    admin.force_login(root)
    rule = NotificationRule.objects.get(event="stage_investigation")
    answer = admin.post(
        f"/admin/notifications/notificationrule/{rule.pk}/change/", {"send": "on", "coalesce_minutes": "0"}
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    run(actions.change_stage, case, Stage.INVESTIGATION, actor=agent_actor)

    assert len(smtp_server.messages) == 2
    stage_mail = smtp_server.messages[-1][1]
    assert "조사" in _text(stage_mail)


@pytest.fixture
def stage_mails_on() -> None:
    NotificationRule.objects.filter(event__startswith="stage_").update(send=True, coalesce_minutes=10)
    policy.RULES.forget()  # a bulk update bypasses save(), which is what drops the cached rules


def test_changes_within_ten_minutes_are_combined_into_one_mail_with_the_latest_stage(
    smtp_server: Mailbox, make_case: Callable[..., Case], agent_actor: Actor, run: Run, stage_mails_on: None
) -> None:
    case = make_case()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        run(actions.change_stage, case, Stage.CLASSIFICATION, actor=agent_actor)
    with time_machine.travel(start + timedelta(minutes=4), tick=False):
        run(actions.change_stage, case, Stage.INVESTIGATION, actor=agent_actor)
    with time_machine.travel(start + timedelta(minutes=9), tick=False):
        run(actions.change_stage, case, Stage.RESOLUTION, actor=agent_actor)
    held = OutboundMessage.objects.get(case=case, kind="stage_changed")
    assert (held.state, held.next_attempt_at) == ("queued", start + timedelta(minutes=10))  # the first one's window

    _mail_at(start + timedelta(minutes=16))
    assert len(smtp_server.messages) == 2
    assert STAGE_KOREAN[Stage.RESOLUTION] in _text(smtp_server.messages[-1][1])

    with time_machine.travel(start + timedelta(minutes=20), tick=False):  # after the window: a new message
        run(actions.change_stage, case, Stage.NOTIFICATION, actor=agent_actor)
    assert OutboundMessage.objects.filter(case=case, kind="stage_changed").count() == 2


def _mail_at(moment: datetime) -> None:
    with time_machine.travel(moment, tick=False):
        sweep_outbox.call()


def test_survey_on_closed_sends_solved_without_a_link_then_the_survey_at_close(
    settings: Any, smtp_server: Mailbox, make_case: Callable[..., Case], agent_actor: Actor, run: Run
) -> None:
    settings.SORIDAM_SURVEY_ON = "closed"
    case = make_case()
    run(actions.change_status, case, Status.SOLVED, actor=agent_actor)
    _send_held_mail()
    assert "/survey/" not in _text(smtp_server.messages[-1][1])
    run(actions.change_status, case, Status.CLOSED, actor=agent_actor)
    assert len(smtp_server.messages) == 3
    assert "/survey/" in _text(smtp_server.messages[-1][1])


def test_solved_message_still_waiting_is_withdrawn_when_the_customer_reopens_the_case(
    smtp_server: Mailbox, make_case: Callable[..., Case], agent_actor: Actor, run: Run
) -> None:
    case = make_case()
    run(actions.change_status, case, Status.SOLVED, actor=agent_actor)
    run(actions.receive_customer_message, case, "아직 안 왔어요", actor=Actor(customer=case.customer), channel="web")
    _send_held_mail()
    assert len(smtp_server.messages) == 1  # the acknowledgement: "solved" is no longer true
    withdrawn = OutboundMessage.objects.get(case=case, kind="case_solved")
    assert withdrawn.state == "failed"
    assert "reopened" in withdrawn.last_error
