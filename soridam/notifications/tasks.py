"""Sending queued e-mail, with bounded retries and exponential backoff."""

from __future__ import annotations

import logging
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from soridam.channels.email.outbound import auto_submitted, reply_address, thread_headers
from soridam.lib.jobs import enqueue_on_commit
from soridam.notifications.models import DeliveryState, OutboundEmail
from soridam.notifications.rendering import render_email

logger = logging.getLogger(__name__)


@task()
def deliver_email(outbound_id: int) -> str:
    """Send one outbox row. Idempotent: a row already sent is left alone."""
    with transaction.atomic():
        outbound = (
            OutboundEmail.objects.select_for_update(of=("self",))
            .select_related("case__customer", "message")
            .get(pk=outbound_id)
        )
        if outbound.state != DeliveryState.QUEUED:
            return str(outbound.state)
        outbound.attempts += 1
        try:
            _send(outbound)
        except Exception as exc:  # noqa: BLE001 - any failure is recorded on the row and retried a bounded number of times
            _record_failure(outbound, exc)
        else:
            outbound.state, outbound.sent_at, outbound.last_error = DeliveryState.SENT, timezone.now(), ""
        outbound.save()
        return str(outbound.state)


def _send(outbound: OutboundEmail) -> None:
    rendered = render_email(outbound)
    case = outbound.case
    outbound.subject, outbound.body = rendered.subject, rendered.body
    outbound.rfc_message_id = outbound.rfc_message_id or make_msgid(domain=mail_domain())
    # Same thread in the customer's mail client; their answer comes back to the right mailbox.
    headers = {"Message-ID": outbound.rfc_message_id, **thread_headers(outbound)}
    if auto_submitted(outbound.kind):
        headers["Auto-Submitted"] = auto_submitted(outbound.kind)
    team_address = case.team.email_address if case.team else ""
    email = EmailMessage(
        subject=rendered.subject,
        body=rendered.body,
        from_email=team_address or settings.DEFAULT_FROM_EMAIL,
        to=[outbound.to_address],
        reply_to=[reply_address(case)],
        headers=headers,
    )
    email.send(fail_silently=False)


def mail_domain() -> str:
    address = str(settings.DEFAULT_FROM_EMAIL)
    return address.rsplit("@", 1)[-1].rstrip(">").strip() or "soridam.localhost"


def _record_failure(outbound: OutboundEmail, exc: Exception) -> None:
    outbound.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    logger.warning("email delivery failed", extra={"outbound_id": outbound.pk, "attempt": outbound.attempts})
    if outbound.attempts >= settings.SORIDAM_EMAIL_MAX_ATTEMPTS:
        outbound.state = DeliveryState.FAILED
        return
    if deliver_email.get_backend().supports_defer:
        delay = timedelta(seconds=30 * 2 ** (outbound.attempts - 1))
        enqueue_on_commit(deliver_email.using(run_after=timezone.now() + delay), outbound.pk)
    # A backend that cannot defer (the immediate one in tests) leaves the row queued for the next run.
