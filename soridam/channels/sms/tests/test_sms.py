"""SMS/LMS out through NCP SENS, over real HTTP to a local fake SENS: the documented request shape and
signature, the sender-number rule, retries after Retry-After, permanent refusals, and the composer's refusal
of a reply that cannot be a text message."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from soridam.accounts.models import User
from soridam.alerts.models import Alert, AlertKind
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.errors import InvalidChange
from soridam.cases.models import Case, EventKind, Message
from soridam.channels.models import ChannelAccount
from soridam.channels.tests.fakeprovider import FakeProvider
from soridam.channels.tests.webhooks import post_hook, row_counts
from soridam.customers.actions import Contact
from soridam.notifications import delivery
from soridam.notifications.models import DeliveryState, OutboundMessage
from soridam.workspace.tests.conftest import HTMX

PAYLOADS = Path(__file__).parent / "payloads"
SERVICE_ID = "ncp:sms:kr:1:test"
PATH = f"/sms/v2/services/{SERVICE_ID}/messages"
ACCESS_KEY, SECRET_KEY = "AKIDtestaccess", "sens-secret-key"
ACCEPTED = (202, {"Content-Type": "application/json"}, (PAYLOADS / "sens_accepted.json").read_bytes())
REPLY = "주문하신 상품은 내일 도착합니다. 불편을 드려 죄송합니다."

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The refusals are read in English here (the messages are translated)."""
    with translation.override("en"):
        yield


@pytest.fixture
def sens() -> Iterator[FakeProvider]:
    with FakeProvider(default=ACCEPTED) as fake:
        yield fake


@pytest.fixture
def account(sens: FakeProvider) -> ChannelAccount:
    options = {"service_id": SERVICE_ID, "senders": "02-1234-5678, 1588-0000", "api_base": sens.url}
    return ChannelAccount.objects.create(
        kind="sms", name="sens", slug="sens", token=ACCESS_KEY, secret=SECRET_KEY, options=options
    )


def open_case(channel: str = "sms", *, email: str = "", phone: str = "+82 10-1234-5678") -> Case:
    contact = Contact(name="김민지", email=email, phone=phone)
    new = actions.NewCase("배송 문의", "언제 오나요?", contact, channel=channel, acknowledge=False)
    return actions.open_case(new)


def reply(case: Case, agent: User, body: str, capture: Any) -> OutboundMessage:
    with capture(execute=False):
        actions.reply(case, body, actor=Actor(user=agent))
    return OutboundMessage.objects.get(kind="agent_reply")


def test_an_agent_reply_reaches_sens_with_the_documented_shape_and_signature(
    account: ChannelAccount, sens: FakeProvider, alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    outbound = reply(open_case(), alice, REPLY, django_capture_on_commit_callbacks)
    assert (outbound.channel, outbound.recipient, outbound.account_id) == ("sms", "01012345678", account.pk)

    assert delivery.deliver(outbound.pk).state == DeliveryState.SENT

    (sent,) = sens.to(PATH)
    documented = json.loads((PAYLOADS / "sens_send_request.json").read_text())
    documented.pop("_source")
    assert sent.json() == documented
    assert sent.header("Content-Type") == "application/json"
    assert sent.header("x-ncp-iam-access-key") == ACCESS_KEY
    timestamp = sent.header("x-ncp-apigw-timestamp")
    assert abs(int(timestamp) - time.time() * 1000) < 60_000
    signed = f"POST {PATH}\n{timestamp}\n{ACCESS_KEY}".encode()
    expected = base64.b64encode(hmac.new(SECRET_KEY.encode(), signed, hashlib.sha256).digest()).decode()
    assert sent.header("x-ncp-apigw-signature-v2") == expected
    outbound.refresh_from_db()
    assert outbound.external_id == "RSSA-1700000000000-1234-12345678-abcdefgh"


def test_a_long_reply_goes_as_lms_and_a_notice_carries_a_subject_that_fits(
    account: ChannelAccount, sens: FakeProvider, alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    long_text = "교환 절차를 안내해 드립니다. " * 6  # 96 bytes: over an SMS
    outbound = reply(open_case(), alice, long_text, django_capture_on_commit_callbacks)
    assert delivery.deliver(outbound.pk).state == DeliveryState.SENT
    body = sens.to(PATH)[0].json()
    assert (body["type"], body["content"], "subject" not in body) == ("LMS", long_text, True)


def test_a_429_is_retried_after_retry_after_and_a_400_fails_at_once_on_the_case(
    account: ChannelAccount, sens: FakeProvider, alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    case = open_case()
    sens.script(PATH, (429, {"Retry-After": "2"}, b'{"status": 429}'))
    outbound = reply(case, alice, REPLY, django_capture_on_commit_callbacks)
    first = delivery.deliver(outbound.pk)
    assert first.state == DeliveryState.QUEUED
    assert first.retry_at is not None
    assert 1.5 <= (first.retry_at - timezone.now()).total_seconds() <= 2.1
    assert delivery.deliver(outbound.pk).state == DeliveryState.QUEUED  # not due yet
    time.sleep(max(0.0, (first.retry_at - timezone.now()).total_seconds()) + 0.05)
    assert delivery.deliver(outbound.pk).state == DeliveryState.SENT
    tries = sens.to(PATH)
    assert len(tries) == 2
    assert tries[1].at - tries[0].at >= 1.9

    case.assignee = alice
    case.save()
    sens.script(PATH, (400, {}, b'{"status": "400", "errorMessage": "Invalid to number"}'))
    OutboundMessage.objects.all().delete()
    failing = reply(case, alice, "다시 안내드립니다.", django_capture_on_commit_callbacks)
    assert delivery.deliver(failing.pk).state == DeliveryState.FAILED
    assert len(sens.to(PATH)) == 3  # no retry
    assert "HTTP 400" in case.events.get(kind=EventKind.DELIVERY_FAILED).reason
    assert Alert.objects.filter(recipient=alice, case=case, kind=AlertKind.DELIVERY_FAILED).exists()


@pytest.mark.parametrize(
    ("options", "phone", "reason"),
    [
        ({"sender": "010-9999-9999"}, "010-1234-5678", "010-9999-9999".replace("-", "")),
        ({"senders": ""}, "010-1234-5678", "not registered"),
        ({}, "+1 415 555 0100", "Korean phone numbers only"),
    ],
    ids=["unregistered-sender", "no-registered-sender", "foreign-number"],
)
def test_a_send_that_can_never_go_fails_before_any_request(
    account: ChannelAccount,
    sens: FakeProvider,
    alice: User,
    django_capture_on_commit_callbacks: Any,
    options: dict[str, str],
    phone: str,
    reason: str,
) -> None:
    account.options = {**account.options, **options}
    account.save()
    outbound = reply(open_case(phone=phone), alice, REPLY, django_capture_on_commit_callbacks)
    assert delivery.deliver(outbound.pk).state == DeliveryState.FAILED
    outbound.refresh_from_db()
    assert reason in outbound.last_error
    assert sens.requests == []


def test_a_reply_that_cannot_be_a_text_message_is_refused_before_it_is_stored(
    account: ChannelAccount, alice: User, alice_client: Client
) -> None:
    case = open_case()
    before = Message.objects.count()
    for body, reason in (("감사합니다 😀", "U+1F600"), ("가" * 1001, "2002"), ("똠양꿍", "U+B620")):
        response = alice_client.post(f"/workspace/cases/{case.pk}/reply/", {"body": body}, **HTMX)
        assert response.status_code == 409
        assert reason in response.content.decode()
    with pytest.raises(InvalidChange, match="U\\+1F600"):
        actions.reply(case, "😀", actor=Actor(user=alice))
    assert Message.objects.count() == before
    assert not OutboundMessage.objects.exists()
    # A note is never texted: the same text is fine there.
    response = alice_client.post(f"/workspace/cases/{case.pk}/reply/", {"body": "😀", "internal": "on"}, **HTMX)
    assert response.status_code == 200


def test_the_case_page_says_a_reply_goes_by_text_message(
    account: ChannelAccount, alice_client: Client, make_case: Any
) -> None:
    html = alice_client.get(f"/workspace/cases/{open_case().pk}/").content.decode()
    assert 'id="reply-sms-hint"' in html
    assert "90" in html
    assert 'id="reply-sms-hint"' not in alice_client.get(f"/workspace/cases/{make_case().pk}/").content.decode()


def test_a_phone_case_is_texted_only_when_the_customer_has_no_email(
    account: ChannelAccount, alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    outbound = reply(open_case("phone"), alice, REPLY, django_capture_on_commit_callbacks)
    assert (outbound.channel, outbound.recipient) == ("sms", "01012345678")
    OutboundMessage.objects.all().delete()
    outbound = reply(open_case("phone", email="kim@example.kr"), alice, REPLY, django_capture_on_commit_callbacks)
    assert (outbound.channel, outbound.recipient) == ("email", "kim@example.kr")
    account.is_active = False
    account.save()
    OutboundMessage.objects.all().delete()
    # No SMS account: a phone-only customer cannot be written to, as before.
    reply_message = actions.reply(open_case("phone", phone="010-5555-6666"), REPLY, actor=Actor(user=alice))
    assert not OutboundMessage.objects.filter(message=reply_message).exists()


def test_sms_takes_no_webhooks_and_stores_nothing(
    account: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    before = row_counts()
    response = post_hook(client, django_capture_on_commit_callbacks, "sms", "sens", b'{"to": "01012345678"}')
    assert response.status_code == 404
    assert row_counts() == before


def test_health_names_what_is_missing(account: ChannelAccount) -> None:
    from soridam.channels.base import get_transport

    assert get_transport("sms").health(account).ok
    account.options = {**account.options, "service_id": ""}
    assert "service_id" in get_transport("sms").health(account).detail
    account.options = {**account.options, "senders": ""}
    assert not get_transport("sms").health(account).ok


def test_the_account_command_keeps_the_leading_zero_of_sender_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management import call_command

    from soridam.channels.sms.sending import registered_sender

    call_command(
        "channel_account",
        "add",
        "--kind=sms",
        "--slug=sens-cli",
        "--token=AK",
        "--secret=SK",
        "--option=service_id=ncp:sms:kr:1:test",
        "--option=senders=0212345678",
        "--option=sender=0212345678",
        "--json",
    )
    described = json.loads(capsys.readouterr().out)
    assert described["options"]["senders"] == "0212345678"
    assert registered_sender(ChannelAccount.objects.get(slug="sens-cli")) == "0212345678"
