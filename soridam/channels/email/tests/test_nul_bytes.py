"""A NUL byte in an e-mail (PostgreSQL refuses it in text) is removed; the message is stored, not quarantined."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from soridam.cases.models import Attachment, Message
from soridam.channels import pipeline
from soridam.channels.models import ChannelMessage

pytestmark = pytest.mark.django_db


def _mail_with_nul_bytes() -> bytes:
    message = EmailMessage()
    message["From"] = "Kim\x00 Minji <minji@example.kr>"
    message["To"] = "support@shop.test"
    message["Subject"] = "배송\x00 문의"
    message["Message-ID"] = "<nul\x00-1@mail.example.kr>"
    message["Date"] = "Sun, 22 Nov 2026 15:04:00 +0900"
    message.set_content("주문한\x00 물건이 아직 안 왔어요.")
    message.add_alternative("<p>주문한\x00 물건이 <b>아직</b> 안 왔어요.</p>", subtype="html")
    message.add_attachment(b"order 2026-0412\n", maintype="text", subtype="plain", filename="order\x00.txt")
    return message.as_bytes()


def test_mail_with_nul_bytes_is_stored_with_them_removed(teams: object) -> None:
    payload, _new = pipeline.receive("email", _mail_with_nul_bytes(), process_now=True)
    assert payload.state == "processed", payload.reason
    assert "\x00" not in payload.external_id
    stored = Message.objects.get()
    assert stored.body == "주문한 물건이 아직 안 왔어요."
    assert stored.case.subject == "배송 문의"
    meta = ChannelMessage.objects.get()
    assert "\x00" not in meta.full_text + meta.safe_html + meta.subject + meta.sender
    assert Attachment.objects.get().filename == "order.txt"
