"""Our outbound mail: its own Message-ID stored before sending, threading headers, Reply-To, loops."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail as sent_mail

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.channels import pipeline
from soridam.channels.email.tests.mails import mail
from soridam.channels.models import ChannelAccount, PayloadState
from soridam.notifications.models import DeliveryState, OutboundMessage

pytestmark = pytest.mark.django_db


def test_reply_threads_on_the_customers_last_message_and_routes_back_to_the_inbound_mailbox(
    teams: object, alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    account = ChannelAccount.objects.create(name="help", address="help@shop.test")
    with django_capture_on_commit_callbacks(execute=True):
        first, _new = pipeline.receive("email", mail(message_id="<one@x>", to="help@shop.test"), account=account)
    first.refresh_from_db()
    case = first.case
    assert case is not None
    ack = OutboundMessage.objects.get(case=case, kind="case_opened")
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.receive("email", mail(message_id="<two@x>", in_reply_to=ack.external_id), account=account)
    case.refresh_from_db()
    case.team = None
    case.save()
    with django_capture_on_commit_callbacks(execute=True):
        message = actions.reply(case, "확인했습니다.", actor=Actor(user=alice))
    outbound = OutboundMessage.objects.get(message=message)
    reply = sent_mail.outbox[-1]
    assert outbound.state == DeliveryState.SENT
    assert reply.extra_headers["Message-ID"] == outbound.external_id
    assert reply.extra_headers["In-Reply-To"] == "<two@x>"
    references = reply.extra_headers["References"].split()
    assert references == ["<one@x>", ack.external_id, "<two@x>"]
    assert reply.reply_to == ["help@shop.test"]
    assert "Auto-Submitted" not in reply.extra_headers


def test_message_id_is_stored_when_queued_before_any_send(teams: object, alice: User) -> None:
    payload, _new = pipeline.receive("email", mail(), process_now=True)
    queued = OutboundMessage.objects.get(case=payload.case)
    assert queued.state == DeliveryState.QUEUED  # the test transaction never commits: nothing sent yet
    assert queued.external_id.startswith("<")
    assert queued.external_id.endswith(">")


def test_oversized_mail_is_stored_and_quarantined_with_a_clear_reason(teams: object, settings: Any) -> None:
    settings.SORIDAM_EMAIL_MAX_BYTES = 5000
    raw = mail(body="가" * 4000)
    payload, _new = pipeline.receive("email", raw, process_now=True)
    assert payload.state == PayloadState.QUARANTINED
    assert "byte limit" in payload.reason
    assert bytes(payload.raw) == raw
