"""Django's SMTP backend on a connection that knows whether a message was handed over whole.

Once the server has read the DATA up to its final ``CRLF . CRLF`` it may deliver the message, even if its
answer never reaches us (a timeout, a dropped connection): RFC 1047's duplicate. A send that fails at that
point is in doubt, not failed, and must not be retried by itself (``notifications.delivery``). smtplib sends
the whole body and the final dot in one ``send``, so the connection remembers whether its last ``send`` ended
a message; an error in any earlier step (connect, MAIL, RCPT, the body itself) leaves it False.
"""

from __future__ import annotations

import smtplib
from typing import Any

from django.core.mail.backends import smtp

END_OF_DATA = b"\r\n.\r\n"


class _HandOver:
    message_handed_over = False

    def send(self, s: Any) -> None:  # str or any bytes-like buffer, as smtplib's
        self.message_handed_over = False
        super().send(s)  # type: ignore[misc]
        tail = (
            s[-len(END_OF_DATA) :].encode("ascii") if isinstance(s, str) else bytes(memoryview(s)[-len(END_OF_DATA) :])
        )
        self.message_handed_over = tail == END_OF_DATA


class HandOverSMTP(_HandOver, smtplib.SMTP):
    pass


class HandOverSMTPSSL(_HandOver, smtplib.SMTP_SSL):
    pass


class EmailBackend(smtp.EmailBackend):
    @property
    def connection_class(self) -> Any:
        return HandOverSMTPSSL if self.use_ssl else HandOverSMTP


def message_handed_over(backend: object) -> bool:
    """True when ``backend``'s last send ended a message's DATA (with this module's backend only)."""
    return bool(getattr(getattr(backend, "connection", None), "message_handed_over", False))
