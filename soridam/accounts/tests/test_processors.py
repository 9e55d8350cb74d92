"""Outside processors are off until an admin accepts the outsourcing and cross-border notice (R-SEC-13): the
channel admin will not switch one on, its webhook answers 404, and nothing is sent to it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from soridam.accounts import processors
from soridam.accounts.models import ProcessorAcceptance, User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case
from soridam.channels.base import TransportError
from soridam.channels.kakao_alimtalk.sender import send_notice
from soridam.channels.kakao_alimtalk.tests.test_alimtalk import (  # noqa: F401 - fixtures
    ALIMTALK_PATH,
    SENS_PATH,
    VALUES,
    _saved,
    accounts,
    fakes,
)
from soridam.channels.models import ChannelAccount, RawPayload
from soridam.channels.sms.sending import send_text
from soridam.channels.telegram.tests.test_telegram import HEADERS, SECRET, update
from soridam.channels.tests.fakeprovider import FakeProvider
from soridam.channels.tests.webhooks import post_hook
from soridam.notifications import delivery
from soridam.notifications.models import DeliveryState, OutboundMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _acceptance_required(settings: Any) -> None:
    settings.SORIDAM_PROCESSOR_ACCEPTANCE_REQUIRED = True
    settings.SORIDAM_CHAT_RESPONDER = ""


@pytest.fixture
def telegram(db: None) -> ChannelAccount:
    return ChannelAccount.objects.create(kind="telegram", name="tg", slug="tg-shop", secret=SECRET, token="123:abc")


def test_the_requirement_is_on_in_the_project_settings() -> None:
    import soridam.settings as project_settings

    assert project_settings.SORIDAM_PROCESSOR_ACCEPTANCE_REQUIRED is True


def test_own_channels_need_no_acceptance_and_messengers_do(root: User) -> None:
    assert processors.is_accepted("email")
    assert processors.is_accepted("chat")
    assert not processors.is_accepted("telegram")
    assert not processors.is_accepted("whatsapp")
    processors.accept("telegram", root)
    assert processors.is_accepted("telegram")
    assert not processors.is_accepted("whatsapp")


def test_only_admins_accept_and_a_changed_notice_needs_a_new_acceptance(root: User, alice: User) -> None:
    with pytest.raises(PermissionDenied):
        processors.accept("line", alice)
    ProcessorAcceptance.objects.create(kind="line", accepted_by=root, notice_hash="0" * 64)  # an older notice
    assert not processors.is_accepted("line")
    row = processors.accept("line", root)
    assert row.notice_hash == processors.notice_hash("line")
    assert processors.is_accepted("line")


def test_the_webhook_of_an_unaccepted_processor_answers_404_and_stores_nothing(
    telegram: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any, root: User
) -> None:
    refused = post_hook(client, django_capture_on_commit_callbacks, "telegram", "tg-shop", update(1, "안녕"), HEADERS)
    assert refused.status_code == 404
    assert not RawPayload.objects.exists()
    processors.accept("telegram", root)
    taken = post_hook(client, django_capture_on_commit_callbacks, "telegram", "tg-shop", update(2, "안녕"), HEADERS)
    assert taken.status_code == 200
    assert RawPayload.objects.count() == 1


def test_nothing_is_sent_to_a_processor_whose_acceptance_is_missing(
    telegram: ChannelAccount, client: Client, django_capture_on_commit_callbacks: Any, root: User, alice: User
) -> None:
    processors.accept("telegram", root)
    post_hook(client, django_capture_on_commit_callbacks, "telegram", "tg-shop", update(1, "교환 문의"), HEADERS)
    case = Case.objects.get()
    ProcessorAcceptance.objects.all().delete()  # as if the notice had changed since
    with FakeProvider() as fake:
        telegram.options = {"api_base": fake.url}
        telegram.save()
        with django_capture_on_commit_callbacks(execute=False):
            actions.reply(case, "사이즈를 알려주세요.", actor=Actor(user=alice))
        outbound = OutboundMessage.objects.get(kind="agent_reply")
        assert delivery.deliver(outbound.pk).state == DeliveryState.FAILED
        assert fake.to("/bot123:abc/sendMessage") == []
    outbound.refresh_from_db()
    assert "not accepted" in outbound.last_error


def test_the_channel_admin_will_not_switch_on_an_unaccepted_processor(root: User) -> None:
    User.objects.filter(pk=root.pk).update(language="en")
    client = Client()
    client.force_login(root)
    form = {"kind": "line", "name": "LINE shop", "slug": "line-shop", "security": "tls", "options": "{}",
            "folder": "INBOX", "is_active": "on"}  # fmt: skip
    refused = client.post("/admin/soridam_channels/channelaccount/add/", form)
    assert refused.status_code == 200
    assert not ChannelAccount.objects.exists()
    assert "outsourcing" in refused.content.decode()
    processors.accept("line", root)
    assert client.post("/admin/soridam_channels/channelaccount/add/", form).status_code == 302
    assert ChannelAccount.objects.get().is_active


def test_no_text_goes_to_an_sms_provider_nobody_accepted(
    accounts: tuple[ChannelAccount, ChannelAccount],  # noqa: F811 - the AlimTalk tests' fixtures
    fakes: FakeProvider,  # noqa: F811
    root: User,
) -> None:
    with pytest.raises(TransportError, match="SMS") as refused:
        send_text(accounts[1], "010-1234-5678", "배송이 시작되었습니다.")
    assert refused.value.permanent
    assert fakes.to(SENS_PATH) == []


def test_an_unaccepted_alimtalk_agency_gets_nothing_and_the_notice_falls_back_to_an_accepted_sms(
    accounts: tuple[ChannelAccount, ChannelAccount],  # noqa: F811 - the AlimTalk tests' fixtures
    fakes: FakeProvider,  # noqa: F811
    root: User,
) -> None:
    processors.accept("sms", root)
    fakes.script(SENS_PATH, (202, {"Content-Type": "application/json"}, b'{"requestId": "r-1", "statusCode": "202"}'))
    record = send_notice(_saved(), "010-1234-5678", VALUES, account=accounts[0], sms_account=accounts[1])
    assert fakes.to(ALIMTALK_PATH) == []
    assert "AlimTalk" in record.alimtalk_error
    assert len(fakes.to(SENS_PATH)) == 1
