"""A customer who wrote on another channel is answered on it: a small messenger transport, registered
for the test only, takes the message in through the pipeline and receives the acknowledgement and the
agent's reply."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from soridam.accounts.models import Team
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.channels import base, pipeline
from soridam.channels.base import Delivered, Health, Ignored, SendResult, Transport
from soridam.channels.models import ChannelAccount, ChannelMessage, RawPayload
from soridam.customers.actions import Contact
from soridam.lib.rows import insert
from soridam.notifications.models import OutboundMessage

pytestmark = pytest.mark.django_db


class MessengerTransport(Transport):
    """Payloads are JSON ``{"id", "user", "phone", "text"}``; ``send`` keeps what it was given."""

    kind = "kakao"

    def __init__(self) -> None:
        self.sent: list[OutboundMessage] = []

    def external_id(self, raw: bytes) -> str:
        return str(json.loads(raw)["id"])

    def process(self, payload: RawPayload) -> Delivered | Ignored:
        data = json.loads(bytes(payload.raw))
        contact = Contact(name=data["user"], phone=data["phone"])
        new = actions.NewCase(subject=data["text"][:40], body=data["text"], contact=contact, channel=self.kind)
        message = actions.receive_channel_message(new, case=None)
        insert(
            ChannelMessage(
                message=message,
                case=message.case,
                payload=payload,
                external_id=data["id"],
                sender=data["user"],
                full_text=data["text"],
            )
        )
        return Delivered(case=message.case, message=message)

    def send(self, outbound: OutboundMessage) -> SendResult:
        self.sent.append(outbound)
        return SendResult(external_id=f"kakao-out-{len(self.sent)}")

    def health(self, account: ChannelAccount) -> Health:
        return Health(ok=True, detail="")


@pytest.fixture
def messenger(monkeypatch: pytest.MonkeyPatch) -> MessengerTransport:
    base.registered_kinds()  # load the built-in transports first
    transport = MessengerTransport()
    monkeypatch.setitem(base._REGISTRY, transport.kind, transport)
    return transport


def test_a_case_opened_on_a_messenger_is_answered_on_that_messenger(
    messenger: MessengerTransport,
    teams: dict[str, Team],
    agent_actor: Actor,
    alice_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    account = ChannelAccount.objects.create(kind="kakao", name="kakao-main", team=None)
    raw = json.dumps({"id": "k-1", "user": "kakao-user-7", "phone": "010-1234-5678", "text": "주문 취소해 주세요"})
    with django_capture_on_commit_callbacks(execute=True):
        payload, _new = pipeline.receive("kakao", raw.encode(), account=account, process_now=True)
    assert payload.case is not None
    case = payload.case
    ack = OutboundMessage.objects.get(case=case, kind="case_opened")  # the customer has no e-mail address
    assert (ack.channel, ack.account_id, ack.recipient, ack.state) == ("kakao", account.pk, "kakao-user-7", "sent")

    with django_capture_on_commit_callbacks(execute=True):
        reply = actions.reply(case, "취소해 드렸습니다.", actor=agent_actor)

    row = OutboundMessage.objects.get(message=reply)
    assert (row.channel, row.account_id, row.recipient) == ("kakao", account.pk, "kakao-user-7")
    assert (row.state, row.external_id) == ("sent", "kakao-out-2")
    assert [(sent.pk, sent.recipient) for sent in messenger.sent] == [
        (ack.pk, "kakao-user-7"),
        (row.pk, "kakao-user-7"),
    ]
    assert "취소해 드렸습니다." in messenger.sent[1].body
    actions.change_team(case, teams["delivery"], actor=agent_actor)  # so that alice may open it
    page = alice_client.get(f"/workspace/cases/{case.pk}/").content.decode()
    assert "고객에게 보낸 카카오톡:" in page  # alice reads the workspace in Korean
