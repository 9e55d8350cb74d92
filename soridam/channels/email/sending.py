"""The outbound half of the e-mail channel: one outbox row becomes one SMTP message.

A batch of rows goes over one connection (``smtp_session``): a connection per message cost more than the
message (connect, EHLO, QUIT, and a TLS handshake with a real provider); acknowledgements were the
pipeline's bottleneck (bench/README.md). After any failed send the session drops its connection and the next
message opens a new one, so a server that hung up fails one message, not the rest of the batch.

SMTP answers are classified for the retry policy (RFC 5321 section 4.2.1): a 5xx reply rejects the
message for good, a 4xx reply, a dropped connection or a timeout may succeed later.
"""

from __future__ import annotations

import contextlib
import smtplib
from collections.abc import Iterator, Sequence

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from soridam.channels.base import Sender, SendResult, TransportError
from soridam.channels.email.backend import message_handed_over
from soridam.channels.email.outbound import Threads, auto_submitted
from soridam.notifications.models import OutboundMessage


@contextlib.contextmanager
def smtp_session(outbounds: Sequence[OutboundMessage]) -> Iterator[Sender]:
    """Yields ``send_email`` for ``outbounds`` over one connection of the configured mail backend, closed at
    the end; their threading headers are read once for the batch."""
    backend = get_connection(fail_silently=False)
    threads = Threads(outbounds)

    def send(outbound: OutboundMessage) -> SendResult:
        result = send_email(outbound, backend, threads)
        threads.sent(outbound, timezone.now())
        return result

    try:
        yield send
    finally:
        _drop(backend)


def send_email(
    outbound: OutboundMessage, backend: BaseEmailBackend | None = None, threads: Threads | None = None
) -> SendResult:
    """Send the row's rendered subject and body under its stored Message-ID (the same id on a re-send).
    With ``backend`` (a session's), over its connection, opened if it is not; else over a new one, closed after."""
    own = backend is None
    backend = backend or get_connection(fail_silently=False)
    try:
        _send(outbound, backend, threads or Threads([outbound]))
    except Exception:
        _drop(backend)  # the connection may be half-way through a message: the next one starts clean
        raise
    finally:
        if own:
            _drop(backend)
    return SendResult(external_id=outbound.external_id)


def _send(outbound: OutboundMessage, backend: BaseEmailBackend, threads: Threads) -> None:
    try:
        # Opened here, not by the send: an error then leaves the connection on the backend to be asked whether
        # the message was handed over. A no-op while it is up (and for backends without one).
        backend.open()
        _message(outbound, backend, threads).send(fail_silently=False)
    except smtplib.SMTPAuthenticationError as exc:
        # A 535 is a 5xx, but it is our credentials that are wrong, not the message: retry after a fix.
        raise TransportError(_describe(exc), permanent=False) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _reply in exc.recipients.values()]
        raise TransportError(_describe(exc), permanent=all(code >= 500 for code in codes)) from exc
    except smtplib.SMTPResponseException as exc:
        raise TransportError(_describe(exc), permanent=exc.smtp_code >= 500) from exc
    except (smtplib.SMTPException, OSError) as exc:  # disconnects, refused connections, timeouts
        raise TransportError(_describe(exc), permanent=False, in_doubt=message_handed_over(backend)) from exc


def _drop(backend: BaseEmailBackend) -> None:
    with contextlib.suppress(smtplib.SMTPException, OSError):  # a connection already gone is what we want
        backend.close()


def _message(outbound: OutboundMessage, backend: BaseEmailBackend, threads: Threads) -> EmailMessage:
    case = outbound.case
    # Same thread in the customer's mail client; their answer comes back to the right mailbox.
    headers = {"Message-ID": outbound.external_id, **threads.headers(outbound)}
    if auto_submitted(outbound.kind):
        headers["Auto-Submitted"] = auto_submitted(outbound.kind)
    team_address = case.team.email_address if case.team else ""
    return EmailMessage(
        subject=outbound.subject,
        body=outbound.body,
        from_email=team_address or settings.DEFAULT_FROM_EMAIL,
        to=[outbound.recipient],
        reply_to=[threads.reply_address(case)],
        headers=headers,
        connection=backend,
    )


def _describe(exc: Exception) -> str:
    """The SMTP reply for the case page, without the recipient's address (no PII in the reason)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = [_reply_text(code, reply) for code, reply in exc.recipients.values()]
        return "Recipient refused: " + "; ".join(replies)
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{type(exc).__name__}: {_reply_text(exc.smtp_code, exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}"


def _reply_text(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {text}".strip()
