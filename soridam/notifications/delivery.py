"""Deliver one outbox row: claim it, send it outside any transaction, then record the result.

The claim and the record are single UPDATE statements, each its own short transaction; nothing is locked
while the provider is talked to (an SMTP server can take its whole timeout). A claim leases the row
(state ``sending``, ``lease_until``) and counts an attempt. A worker killed before recording leaves the
lease to run out, and the row is claimed again: the transport re-sends it under the same external id
where the provider allows (e-mail: the same Message-ID). The record only lands if the row is still
ours (same state and attempt count), so a worker that overslept its lease cannot overwrite a newer
result.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from soridam.channels.base import SendResult, TransportError, get_transport
from soridam.notifications.models import DeliveryState, OutboundMessage
from soridam.notifications.outbox import first_external_id, route_after_intake
from soridam.notifications.rendering import render_email

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What one delivery run did; ``retry_at``: when the row should be tried again, if ever."""

    state: str
    retry_at: datetime | None = None


def deliver(outbound_id: int) -> Outcome:
    """Claim, send and record one row. Idempotent: a row that is sent, failed or held by another
    worker is left alone. Must not be called inside a transaction (the send would run inside it)."""
    outbound = claim(outbound_id)
    if outbound is None:
        return _unclaimed(outbound_id)
    try:
        _address_once(outbound)
        _render_once(outbound)
        result = get_transport(outbound.channel).send(outbound)
    except TransportError as exc:
        return _record_failure(outbound, str(exc), permanent=exc.permanent)
    except Exception as exc:  # noqa: BLE001 - a bug in rendering or a transport is retried like a temporary error, a bounded number of times
        return _record_failure(outbound, f"{type(exc).__name__}: {exc}", permanent=False)
    return _record_sent(outbound, result)


def claim(outbound_id: int) -> OutboundMessage | None:
    """Take the row if it is due (queued and its time has come, or sending with a lapsed lease)."""
    now = timezone.now()
    lapsed = Q(state=DeliveryState.SENDING, lease_until__lte=now, attempts__lt=settings.SORIDAM_OUTBOUND_MAX_ATTEMPTS)
    due = Q(state=DeliveryState.QUEUED, next_attempt_at__lte=now) | lapsed
    taken = OutboundMessage.objects.filter(due, pk=outbound_id).update(
        state=DeliveryState.SENDING, lease_until=now + _lease(), attempts=F("attempts") + 1
    )
    if not taken:
        return None
    return OutboundMessage.objects.select_related("case__customer", "case__team", "message", "account").get(
        pk=outbound_id
    )


def _address_once(outbound: OutboundMessage) -> None:
    """A case opened on a messenger is acknowledged before its message is stored: take the sender now."""
    if outbound.recipient:
        return
    route = route_after_intake(outbound.case, outbound.channel)
    if route is None:
        raise TransportError("the customer has no address we can write to", permanent=True)
    outbound.channel, outbound.account_id, outbound.recipient = route.channel, route.account_id, route.recipient
    outbound.external_id = first_external_id(route.channel)
    OutboundMessage.objects.filter(pk=outbound.pk).update(
        channel=route.channel, account=route.account_id, recipient=route.recipient, external_id=outbound.external_id
    )


def _render_once(outbound: OutboundMessage) -> None:
    """The text is rendered before the first send and kept: a re-send repeats it word for word."""
    if outbound.body:
        return
    rendered = render_email(outbound)
    outbound.subject, outbound.body = rendered.subject[:300], rendered.body
    OutboundMessage.objects.filter(pk=outbound.pk).update(subject=outbound.subject, body=outbound.body)


def _unclaimed(outbound_id: int) -> Outcome:
    row = OutboundMessage.objects.filter(pk=outbound_id).values("state", "lease_until", "next_attempt_at").first()
    if row is None:
        return Outcome("gone")
    if row["state"] == DeliveryState.SENDING:  # another worker holds it; if that one died, try after its lease
        return Outcome(str(row["state"]), retry_at=row["lease_until"])
    if row["state"] == DeliveryState.QUEUED and row["next_attempt_at"] > timezone.now():
        return Outcome(str(row["state"]), retry_at=row["next_attempt_at"])  # it waits for the case's next changes
    return Outcome(str(row["state"]))


def _record_sent(outbound: OutboundMessage, result: SendResult) -> Outcome:
    _still_ours(outbound).update(
        state=DeliveryState.SENT,
        sent_at=timezone.now(),
        last_error="",
        lease_until=None,
        external_id=result.external_id or outbound.external_id,
    )
    return Outcome(DeliveryState.SENT)


def _record_failure(outbound: OutboundMessage, reason: str, *, permanent: bool) -> Outcome:
    logger.warning(
        "outbound delivery failed",
        extra={"outbound_id": outbound.pk, "attempt": outbound.attempts, "permanent": permanent},
    )
    if permanent or outbound.attempts >= settings.SORIDAM_OUTBOUND_MAX_ATTEMPTS:
        _still_ours(outbound).update(state=DeliveryState.FAILED, last_error=reason[:2000], lease_until=None)
        return Outcome(DeliveryState.FAILED)
    retry_at = timezone.now() + backoff(outbound.attempts)
    _still_ours(outbound).update(
        state=DeliveryState.QUEUED, last_error=reason[:2000], lease_until=None, next_attempt_at=retry_at
    )
    return Outcome(DeliveryState.QUEUED, retry_at=retry_at)


def _still_ours(outbound: OutboundMessage) -> QuerySet[OutboundMessage]:
    return OutboundMessage.objects.filter(pk=outbound.pk, state=DeliveryState.SENDING, attempts=outbound.attempts)


def backoff(attempts: int) -> timedelta:
    """Exponential: the base delay after the first failure, doubled after each further one."""
    return timedelta(seconds=settings.SORIDAM_OUTBOUND_BACKOFF_SECONDS * 2 ** (attempts - 1))


def _lease() -> timedelta:
    return timedelta(seconds=settings.SORIDAM_OUTBOUND_LEASE_SECONDS)


def fail_abandoned(now: datetime | None = None) -> int:
    """Rows whose worker died during every allowed attempt (a message that kills the worker) fail."""
    return OutboundMessage.objects.filter(
        state=DeliveryState.SENDING,
        lease_until__lte=now or timezone.now(),
        attempts__gte=settings.SORIDAM_OUTBOUND_MAX_ATTEMPTS,
    ).update(state=DeliveryState.FAILED, lease_until=None, last_error="The worker stopped during every attempt")


def due_ids(now: datetime | None = None, limit: int = 1000) -> list[int]:
    """Rows whose delivery task may be lost: queued and overdue by a lease (a live task would have run
    them), or sending with a lapsed lease (the worker died). The sweep enqueues a task for each."""
    now = now or timezone.now()
    overdue = Q(state=DeliveryState.QUEUED, next_attempt_at__lte=now - _lease())
    lapsed = Q(state=DeliveryState.SENDING, lease_until__lte=now)
    return list(OutboundMessage.objects.filter(overdue | lapsed).order_by("id").values_list("id", flat=True)[:limit])
