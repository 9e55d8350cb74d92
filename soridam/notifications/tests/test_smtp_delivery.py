"""Notification and follow-up e-mails go through a real SMTP server (aiosmtpd) started by the test."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from email.message import Message as MimeMessage
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from django.utils import timezone

from conftest import free_port
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, Status
from soridam.cases.stages import Stage
from soridam.followup.answers import answer_survey
from soridam.notifications.models import OutboundMessage
from soridam.notifications.tasks import sweep_outbox

if TYPE_CHECKING:
    from conftest import Mailbox

pytestmark = [pytest.mark.django_db, pytest.mark.smtp]


def _text(message: MimeMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())  # type: ignore[attr-defined]


def test_acknowledgement_reply_and_stage_mails_arrive_threaded_in_the_customers_language(
    smtp_server: Mailbox, make_case: Callable[..., Case], agent_actor: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    case = make_case(email="minji@example.kr")
    with django_capture_on_commit_callbacks(execute=True):
        actions.reply(case, "내일 다시 발송해 드리겠습니다.", actor=agent_actor)
        # Issue 11's default policy mails one stage change only, "resolution proposed" (고객 통보), and holds
        # it 10 minutes for the case's next changes; the sweep sends it after that.
        actions.change_stage(case, Stage.NOTIFICATION, actor=agent_actor)
    assert len(smtp_server.messages) == 2
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        sweep_outbox.call()

    assert len(smtp_server.messages) == 3
    (ack_env, ack), (_, reply), (_, stage) = smtp_server.messages
    assert ack_env.rcpt_tos == ["minji@example.kr"]
    assert case.reference in str(ack["Subject"])
    assert f"/track/{case.tracking_token}/" in _text(ack)
    assert "내일 다시 발송해 드리겠습니다." in _text(reply)
    assert reply["In-Reply-To"] == ack["Message-ID"]
    assert str(reply["Reply-To"]) == "delivery@shop.test"
    assert "고객 통보" in _text(stage) or "Notification" in _text(stage)
    sent = OutboundMessage.objects.filter(case=case).order_by("id")
    assert [row.state for row in sent] == ["sent", "sent", "sent"]
    assert sent[0].external_id == ack["Message-ID"]


def test_closing_sends_a_signed_survey_link_whose_answer_is_stored_on_the_case(
    smtp_server: Mailbox, make_case: Callable[..., Case], agent_actor: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    case = make_case()
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_status(case, Status.CLOSED, actor=agent_actor)
    survey_mail = smtp_server.messages[-1][1]
    match = re.search(r"/survey/([^/\s]+)/", _text(survey_mail))
    assert match is not None
    answer_survey(match.group(1), 4, "빨리 처리해 주셔서 감사합니다")
    case.refresh_from_db()
    assert case.survey.rating == 4
    assert case.survey.comment == "빨리 처리해 주셔서 감사합니다"
    assert case.events.filter(kind="survey_answered", to_value="4").exists()


def test_unreachable_smtp_server_keeps_the_mail_queued_with_the_reason_then_fails_after_the_last_attempt(
    settings: Any, make_case: Callable[..., Case]
) -> None:
    settings.EMAIL_BACKEND = "soridam.channels.email.backend.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.SORIDAM_OUTBOUND_MAX_ATTEMPTS = 2
    case = make_case()
    outbound = OutboundMessage.objects.get(case=case)
    assert outbound.state == "queued"
    assert outbound.attempts == 1
    assert "refused" in outbound.last_error.lower()

    from soridam.notifications.tasks import deliver_outbound

    with time_machine.travel(outbound.next_attempt_at, tick=False):
        deliver_outbound.call(outbound.pk)
    outbound.refresh_from_db()
    assert outbound.state == "failed"
    assert outbound.attempts == 2
