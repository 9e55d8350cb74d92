"""Deliver outbox rows: claim them, send them outside any transaction, then record each result.

The claim and each record are single UPDATE statements, each its own short transaction; nothing is locked
while the provider is talked to (an SMTP server can take its whole timeout). A claim leases the rows
(state ``sending``, ``lease_until``) and counts an attempt on each. A batch of rows (``deliver_many``, what
the worker hands a batch of delivery tasks to) is claimed in one statement and sent over one provider
session (one SMTP connection), each row recorded as soon as it is sent: a crash re-sends at most the row
that was on the wire, and a failure of one row is recorded on that row alone. A worker killed before
recording leaves the lease to run out, and the row is claimed again: the transport re-sends it under the
same external id where the provider allows (e-mail: the same Message-ID). The record only lands if the
row is still ours (same state and attempt count), so a worker that overslept its lease cannot overwrite a
newer result.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from soridam.accounts import processors
from soridam.cases.delivery_actions import record_delivery_failure
from soridam.channels.base import SendResult, TransportError, get_transport
from soridam.notifications import contact_rules
from soridam.notifications.models import DeliveryState, OutboundMessage
from soridam.notifications.outbox import first_external_id, route_after_intake
from soridam.notifications.rendering import render

logger = logging.getLogger(__name__)
_PROCESSOR_NOT_ACCEPTED = "outside processor not accepted: an admin must accept its outsourcing notice first"


@dataclass(frozen=True)
class Outcome:
    """What one delivery run did; ``retry_at``: when the row should be tried again, if ever."""

    state: str
    retry_at: datetime | None = None


def deliver(outbound_id: int) -> Outcome:
    """Claim, send and record one row. Idempotent: a row that is sent, failed or held by another
    worker is left alone. Must not be called inside a transaction (the send would run inside it)."""
    return deliver_many([outbound_id])[outbound_id]


def deliver_many(outbound_ids: Iterable[int]) -> dict[int, Outcome]:
    """``deliver`` for many rows: one claim and one read for all, each row addressed and rendered, then one
    provider session per channel (``Transport.session``) that sends the rows in turn, each recorded as
    soon as it is sent. Returns each id's outcome."""
    wanted = list(dict.fromkeys(int(pk) for pk in outbound_ids))
    outcomes: dict[int, Outcome] = {}
    by_channel: dict[str, list[OutboundMessage]] = {}
    for outbound in _within_throttle(claim_many(wanted), outcomes):
        try:
            _address_once(outbound)
            _render_once(outbound)
        except Exception as exc:  # noqa: BLE001 - recorded on the row (``_failed``)
            outcomes[outbound.pk] = _failed(outbound, exc)
            continue
        by_channel.setdefault(outbound.channel, []).append(outbound)
    for channel, rows in by_channel.items():
        outcomes.update(_send_all(channel, rows))
    return {pk: outcomes[pk] if pk in outcomes else _unclaimed(pk) for pk in wanted}


def _within_throttle(rows: list[OutboundMessage], outcomes: dict[int, Outcome]) -> list[OutboundMessage]:
    """The claimed rows that may go now (``contact_rules``); the others go back to the queue until the
    contact's hour has room, with their claim not counted as an attempt: delayed, never dropped."""
    now, batch = timezone.now(), Counter[str]()
    allowed = []
    for outbound in rows:
        release = None
        if contact_rules.is_throttled(outbound.kind) and outbound.recipient:
            release = contact_rules.throttle_release(outbound.recipient, now, also_sent=batch[outbound.recipient])
        if release is None:
            batch[outbound.recipient] += contact_rules.is_throttled(outbound.kind)
            allowed.append(outbound)
            continue
        _still_ours(outbound).update(
            state=DeliveryState.QUEUED, attempts=F("attempts") - 1, lease_until=None, next_attempt_at=release
        )
        outcomes[outbound.pk] = Outcome(DeliveryState.QUEUED, retry_at=release)
    return allowed


def _send_all(channel: str, rows: list[OutboundMessage]) -> dict[int, Outcome]:
    outcomes: dict[int, Outcome] = {}
    try:
        if not processors.is_accepted(channel):  # R-SEC-13: nothing goes to an outside processor nobody accepted
            raise TransportError(_PROCESSOR_NOT_ACCEPTED, permanent=True)
        with get_transport(channel).session(rows) as send:
            for outbound in rows:
                if outbound.lease_until is not None and timezone.now() >= outbound.lease_until:
                    # Earlier rows took the whole lease: another worker may have claimed this one since.
                    outcomes[outbound.pk] = Outcome(DeliveryState.SENDING, retry_at=outbound.lease_until)
                    continue
                try:
                    result = send(outbound)
                except Exception as exc:  # noqa: BLE001 - recorded on the row (``_failed``)
                    outcomes[outbound.pk] = _failed(outbound, exc)
                else:
                    outcomes[outbound.pk] = _record_sent(outbound, result)
    except Exception as exc:  # noqa: BLE001 - the session could not start: its rows are retried
        for outbound in rows:
            if outbound.pk not in outcomes:
                outcomes[outbound.pk] = _failed(outbound, exc)
    return outcomes


def _failed(outbound: OutboundMessage, exc: Exception) -> Outcome:
    if isinstance(exc, TransportError):
        return _record_failure(outbound, str(exc), permanent=exc.permanent, retry_after=exc.retry_after)
    # A bug in rendering or a transport is retried like a temporary error, a bounded number of times.
    return _record_failure(outbound, f"{type(exc).__name__}: {exc}", permanent=False)


def claim(outbound_id: int) -> OutboundMessage | None:
    """Take the row if it is due (queued and its time has come, or sending with a lapsed lease)."""
    claimed = claim_many([outbound_id])
    return claimed[0] if claimed else None


def claim_many(outbound_ids: list[int]) -> list[OutboundMessage]:
    """Take the rows that are due, in one UPDATE; returns them (in id order) with what rendering reads.

    The UPDATE returns the ids it took: under PostgreSQL's row locks two workers given the same id never
    both take it (the second re-checks the condition after the first commits), and the ids say exactly
    which rows are this claim's, so nothing else is read as ours."""
    if not outbound_ids:
        return []
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    marks = ", ".join(["%s"] * len(outbound_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            _CLAIM.format(ids=marks),
            [
                DeliveryState.SENDING,
                adapt(now + _lease()),
                *outbound_ids,
                DeliveryState.QUEUED,
                adapt(now),
                DeliveryState.SENDING,
                adapt(now),
                settings.SORIDAM_OUTBOUND_MAX_ATTEMPTS,
            ],
        )
        taken = [pk for (pk,) in cursor.fetchall()]
    if not taken:
        return []
    related = OutboundMessage.objects.select_related("case__customer", "case__team", "message", "account")
    return list(related.filter(pk__in=taken).order_by("pk"))


# What ``claim`` did with the ORM (its due and lapsed conditions), with the ids it took returned: Django's
# update() returns only a count.
_CLAIM = (
    f"UPDATE {OutboundMessage._meta.db_table} SET state = %s, lease_until = %s, attempts = attempts + 1 "  # noqa: S608
    "WHERE id IN ({ids}) AND ((state = %s AND next_attempt_at <= %s) "
    "OR (state = %s AND lease_until <= %s AND attempts < %s)) RETURNING id"
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
    rendered = render(outbound)
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


def _record_failure(
    outbound: OutboundMessage, reason: str, *, permanent: bool, retry_after: float | None = None
) -> Outcome:
    logger.warning(
        "outbound delivery failed",
        extra={"outbound_id": outbound.pk, "attempt": outbound.attempts, "permanent": permanent},
    )
    if permanent or outbound.attempts >= settings.SORIDAM_OUTBOUND_MAX_ATTEMPTS:
        if _still_ours(outbound).update(state=DeliveryState.FAILED, last_error=reason[:2000], lease_until=None):
            record_delivery_failure(outbound.case_id, outbound_id=outbound.pk, channel=outbound.channel, reason=reason)
        return Outcome(DeliveryState.FAILED)
    # The provider's Retry-After when it gave one (a 429), else our own backoff.
    wait = timedelta(seconds=retry_after) if retry_after is not None else backoff(outbound.attempts)
    retry_at = timezone.now() + wait
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


# A status report only moves a delivery forward; a late "delivered" never undoes a "read".
_PROGRESS = {DeliveryState.SENT: 1, DeliveryState.DELIVERED: 2, DeliveryState.READ: 3}


def record_status(channel: str, external_id: str, state: str, *, reason: str = "") -> int:
    """A provider's status report (a Meta ``statuses`` entry, an SMS delivery report) on the row it sent
    under ``external_id``: sent, delivered, read or failed. Returns how many rows changed."""
    if not external_id:
        return 0
    rows = OutboundMessage.objects.filter(channel=channel, external_id=external_id)
    if state == DeliveryState.FAILED:
        changed = 0
        for outbound in rows.exclude(state=DeliveryState.FAILED):
            if OutboundMessage.objects.filter(pk=outbound.pk, state=outbound.state).update(
                state=DeliveryState.FAILED, last_error=reason[:2000] or "reported failed by the provider"
            ):
                record_delivery_failure(outbound.case_id, outbound_id=outbound.pk, channel=channel, reason=reason)
                changed += 1
        return changed
    earlier = [known for known, rank in _PROGRESS.items() if rank < _PROGRESS[DeliveryState(state)]]
    return rows.filter(state__in=earlier).update(state=state)
