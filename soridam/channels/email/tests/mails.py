"""Build real-shaped test mail as bytes, the way Gmail, Outlook, Naver and Apple Mail write it."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP


def mail(
    *,
    sender: str = "Kim Minji <minji@example.kr>",
    to: str = "support@shop.test",
    subject: str = "배송 문의",
    body: str = "주문한 물건이 아직 안 왔어요.",
    message_id: str = "<m1@mail.gmail.com>",
    in_reply_to: str = "",
    references: str = "",
    cc: str = "",
    headers: dict[str, str] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = "Sun, 22 Nov 2026 15:04:00 +0900"
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes(policy=SMTP)
