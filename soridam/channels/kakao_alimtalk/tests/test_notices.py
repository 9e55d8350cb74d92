"""AlimTalk notices from the outbox: a customer notice whose kind has an approved template goes by AlimTalk to
the customer's phone (local fake NHN Cloud), falls back to an LMS (local fake SENS), is written on the case's
timeline, and fails for good, on the case and to the assignee, when neither way takes it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone, translation

from soridam.accounts.models import User
from soridam.alerts.models import Alert, AlertKind
from soridam.cases import actions
from soridam.cases.models import Case, EventKind
from soridam.channels.kakao_alimtalk.models import AlimTalkSend, AlimTalkTemplate, SendState, TemplateStatus
from soridam.channels.kakao_alimtalk.tests.test_alimtalk import ALIMTALK_PATH, APPKEY, JSON, PAYLOADS, SECRET
from soridam.channels.models import ChannelAccount
from soridam.channels.tests.fakeprovider import FakeProvider
from soridam.customers.actions import Contact
from soridam.notifications import delivery
from soridam.notifications.models import DeliveryState, NotificationKind, OutboundMessage

SENS_PATH = "/sms/v2/services/ncp:sms:kr:1:test/messages"
BODY = "#{고객명}님, 문의 #{문의번호}이 접수되었습니다. 진행 상황: #{조회링크}"
ACCEPTED = (200, JSON, (PAYLOADS / "nhn_accepted.json").read_bytes())
REFUSED = (200, JSON, (PAYLOADS / "nhn_recipient_refused.json").read_bytes())

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def fakes() -> Iterator[FakeProvider]:
    with FakeProvider() as fake:
        yield fake


@pytest.fixture
def shop(fakes: FakeProvider) -> ChannelAccount:
    """An AlimTalk account, an SMS account with a registered number, and the case-opened template approved."""
    ChannelAccount.objects.create(
        kind="sms",
        name="sens",
        slug="sens",
        token="AK",
        secret="SK",
        options={"service_id": "ncp:sms:kr:1:test", "senders": "0212345678", "api_base": fakes.url},
    )
    AlimTalkTemplate.objects.create(
        code="CASE_OPENED", name="접수 안내", body=BODY, status=TemplateStatus.APPROVED, notice="case_opened"
    )
    return ChannelAccount.objects.create(
        kind="alimtalk",
        name="nhn",
        slug="nhn",
        secret=SECRET,
        options={"appkey": APPKEY, "sender_key": "sender-key", "api_base": fakes.url},
    )


def opened(channel: str = "sms", *, phone: str = "010-1234-5678", email: str = "") -> tuple[Case, OutboundMessage]:
    contact = Contact(name="김민지", email=email, phone=phone)
    case = actions.open_case(actions.NewCase("배송 문의", "언제 오나요?", contact, channel=channel))
    outbound = OutboundMessage.objects.get(case=case, kind=NotificationKind.CASE_OPENED)
    OutboundMessage.objects.filter(pk=outbound.pk).update(next_attempt_at=timezone.now())  # not its hold
    return case, outbound


def test_a_notice_with_an_approved_template_goes_by_alimtalk_and_shows_on_the_timeline(
    shop: ChannelAccount, fakes: FakeProvider
) -> None:
    fakes.script(ALIMTALK_PATH, ACCEPTED)
    case, outbound = opened()
    assert (outbound.channel, outbound.account_id, outbound.recipient) == ("kakao", shop.pk, "01012345678")

    assert delivery.deliver(outbound.pk).state == DeliveryState.SENT

    (sent,) = fakes.to(ALIMTALK_PATH)
    (recipient,) = sent.json()["recipientList"]
    assert sent.json()["templateCode"] == "CASE_OPENED"
    assert recipient["recipientNo"] == "01012345678"
    assert set(recipient["templateParameter"]) == {"고객명", "문의번호", "조회링크"}
    assert recipient["templateParameter"]["문의번호"] == case.reference
    assert sent.header("X-NC-API-IDEMPOTENCY-KEY") == f"soridam-outbound-{outbound.pk}"
    assert fakes.to(SENS_PATH) == []
    outbound.refresh_from_db()
    assert outbound.external_id == "20261206223300Ab1cD2eF3g0"
    event = case.events.get(kind=EventKind.NOTICE_SENT)
    assert event.to_value == "alimtalk"
    assert event.reason.startswith(f"김민지님, 문의 {case.reference}이 접수되었습니다.")
    assert AlimTalkSend.objects.get().case == case


def test_a_refused_notice_goes_as_a_text_message_and_says_so_on_the_timeline(
    shop: ChannelAccount, fakes: FakeProvider
) -> None:
    fakes.script(ALIMTALK_PATH, REFUSED)
    fakes.script(SENS_PATH, (202, JSON, b'{"requestId": "RSSA-fallback", "statusCode": "202"}'))
    case, outbound = opened()
    assert delivery.deliver(outbound.pk).state == DeliveryState.SENT
    (texted,) = fakes.to(SENS_PATH)
    assert texted.json()["messages"] == [{"to": "01012345678"}]
    outbound.refresh_from_db()
    assert outbound.external_id == "sms:RSSA-fallback"
    assert case.events.get(kind=EventKind.NOTICE_SENT).to_value == "sms"
    assert AlimTalkSend.objects.get().state == SendState.FALLBACK_SENT


def test_a_notice_neither_way_takes_fails_on_the_case_and_alerts_the_assignee(
    shop: ChannelAccount, fakes: FakeProvider, alice: User
) -> None:
    fakes.script(ALIMTALK_PATH, REFUSED)
    fakes.script(SENS_PATH, (400, JSON, b'{"status": "400", "errorMessage": "bad request"}'))
    case, outbound = opened()
    Case.objects.filter(pk=case.pk).update(assignee=alice)
    assert delivery.deliver(outbound.pk).state == DeliveryState.FAILED
    outbound.refresh_from_db()
    assert "AlimTalk refused" in outbound.last_error
    assert "400" in outbound.last_error
    assert "AlimTalk refused" in case.events.get(kind=EventKind.DELIVERY_FAILED).reason
    assert not case.events.filter(kind=EventKind.NOTICE_SENT).exists()
    assert Alert.objects.filter(recipient=alice, case=case, kind=AlertKind.DELIVERY_FAILED).exists()


@pytest.mark.parametrize(
    ("change", "channel"),
    [
        (lambda: AlimTalkTemplate.objects.update(status=TemplateStatus.PENDING), "sms"),
        (lambda: AlimTalkTemplate.objects.update(notice="case_solved"), "sms"),
        (lambda: ChannelAccount.objects.filter(kind="alimtalk").update(is_active=False), "sms"),
    ],
    ids=["template-pending", "template-for-another-notice", "account-off"],
)
def test_without_an_approved_template_for_the_notice_it_goes_the_usual_way(
    shop: ChannelAccount, change: Any, channel: str
) -> None:
    change()
    assert opened()[1].channel == channel


def test_an_email_customer_with_a_phone_but_no_kakaotalk_gets_the_mail(shop: ChannelAccount) -> None:
    assert opened("web", email="minji@example.kr")[1].channel == "email"
