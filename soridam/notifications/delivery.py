"""Deliver outbox rows: claim them, send them outside any transaction, then record each result.

The claim and each record are single UPDATE statements, each its own short transaction; nothing is locked
while the provider is talked to (an SMTP server can take its whole timeout). A claim leases the rows
(state ``sending``, ``lease_until``) and counts an attempt on each. A batch of rows (``deliver_many``, what
the worker hands a batch of delivery tasks to) is claimed in one statement and sent over one provider
session (one SMTP connection), each row recorded as soon as it is sent, and a failure of one row is
recorded on that row alone.

Right before each send, one more UPDATE (``_begin_send``) checks that the row is still this attempt's (its
attempt count is the fencing token) and marks the send begun (``send_started_at``), renewing the lease. So
a worker that slept through its lease (starved of CPU, stuck on a slow server) never sends a row another
worker has claimed since, and a row whose send began is never claimed again: a lapsed lease alone cannot
tell "died before the provider had it" from "died after the provider's 250". The policy for the second
case (the worker killed, or the database gone, between the send and its record): the row is **in doubt**
(``settle_lapsed``): not sent again by itself, so that the customer can never get it twice, and written on
the case's timeline with an alert, so that the agent can decide. Only a transport whose repeat cannot
reach the customer twice (``Transport.repeat_is_harmless``: live chat finds the message it wrote) is
claimed and sent again. A row whose worker died before its send began is claimed again once its lease
runs out. The record of a send retries a lost database until the lease ends, and lands if the row is
still ours (same attempt, sending or in doubt), so an earlier worker cannot overwrite a newer result.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from soridam.accounts import processors
from soridam.cases.delivery_actions import record_delivery_failure
from soridam.channels.base import SendResult, TransportError, get_transport, registered_kinds
from soridam.notifications import contact_rules
from soridam.notifications.models import DeliveryState, OutboundMessage
from soridam.notifications.outbox import first_external_id, route_after_intake
from soridam.notifications.rendering import render

logger = logging.getLogger(__name__)
_PROCESSOR_NOT_ACCEPTED = "outside processor not accepted: an admin must accept its outsourcing notice first"
IN_DOUBT_REASON = (
    "In doubt: the worker stopped after handing the message to the provider and before recording its answer, "
    "so it may have arrived. It is not sent again by itself, so that the customer never gets it twice."
)
UNANSWERED_REASON = (
    "In doubt: the provider was handed the whole message and its answer never came ({error}), so it may have "
    "arrived. It is not sent again by itself, so that the customer never gets it twice."
)
_RECORD_RETRY_SECONDS = 0.5


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
    rendered = []
    for outbound in _within_throttle(claim_many(wanted), outcomes):
        try:
            _address_once(outbound)
            if _render_once(outbound):
                rendered.append(outbound)
        except Exception as exc:  # noqa: BLE001 - recorded on the row (``_failed``)
            outcomes[outbound.pk] = _failed(outbound, exc)
            continue
        by_channel.setdefault(outbound.channel, []).append(outbound)
    _store_texts(rendered)
    for channel, rows in by_channel.items():
        outcomes.update(_send_all(channel, rows))
    return {pk: outcomes[pk] if pk in outcomes else _unclaimed(pk) for pk in wanted}


def _within_throttle(rows: list[OutboundMessage], outcomes: dict[int, Outcome]) -> list[OutboundMessage]:
    """The claimed rows that may go now (``contact_rules``); the others go back to the queue until the
    contact's hour has room, with their claim not counted as an attempt: delayed, never dropped."""
    now, batch = timezone.now(), Counter[str]()
    throttled = [row.recipient for row in rows if contact_rules.is_throttled(row.kind) and row.recipient]
    hour = contact_rules.SentWithinHour(throttled, now)  # no query when nothing is throttled (empty IN)
    allowed = []
    for outbound in rows:
        release = None
        if contact_rules.is_throttled(outbound.kind) and outbound.recipient:
            release = hour.release(outbound.recipient, also_sent=batch[outbound.recipient])
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
                if not _begin_send(outbound):  # its lease ran out during earlier rows, and another worker took it
                    outcomes[outbound.pk] = _unclaimed(outbound.pk)
                    continue
                try:
                    result = send(outbound)
                except Exception as exc:  # noqa: BLE001 - recorded on the row (``_failed``)
                    outcomes[outbound.pk] = _failed(outbound, exc)
                else:
                    outcomes[outbound.pk] = _record_sent(outbound, result)
    except Exception as exc:  # noqa: BLE001 - the session could not start, or the database is gone
        for outbound in rows:
            if outbound.pk not in outcomes:
                # A row whose send began and whose result could not be recorded stays as it is: in doubt once its
                # lease runs out, never retried as if it had not gone.
                began = outbound.send_started_at is not None
                outcomes[outbound.pk] = Outcome(DeliveryState.SENDING) if began else _failed(outbound, exc)
    return outcomes


def _begin_send(outbound: OutboundMessage) -> bool:
    """Mark the send begun, if the row is still this attempt's and no send of it has begun; the lease runs from
    now. Nothing may come between this and the send: it is the check a worker that overslept its lease fails."""
    now = timezone.now()
    lease_until = now + _lease()
    began = (
        _still_ours(outbound).filter(send_started_at__isnull=True).update(send_started_at=now, lease_until=lease_until)
    )
    if began:
        outbound.send_started_at, outbound.lease_until = now, lease_until
    return bool(began)


def _failed(outbound: OutboundMessage, exc: Exception) -> Outcome:
    if isinstance(exc, TransportError) and exc.in_doubt:
        return _record_in_doubt(outbound, UNANSWERED_REASON.format(error=exc))
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
    repeatable = _repeatable_channels()
    with connection.cursor() as cursor:
        cursor.execute(
            _CLAIM.format(ids=marks, repeatable=", ".join(["%s"] * len(repeatable)) or "NULL"),
            [
                DeliveryState.SENDING,
                adapt(now + _lease()),
                *outbound_ids,
                DeliveryState.QUEUED,
                adapt(now),
                DeliveryState.SENDING,
                adapt(now),
                settings.SORIDAM_OUTBOUND_MAX_ATTEMPTS,
                *repeatable,
            ],
        )
        taken = [pk for (pk,) in cursor.fetchall()]
    if not taken:
        return []
    related = OutboundMessage.objects.select_related("case__customer", "case__team", "message", "account")
    return list(related.filter(pk__in=taken).order_by("pk"))


# What ``claim`` did with the ORM (its due and lapsed conditions), with the ids it took returned: Django's
# update() returns only a count. A lapsed row whose send began is taken again only on a channel where a repeat
# is harmless (``settle_lapsed`` puts the others in doubt).
_CLAIM = (
    f"UPDATE {OutboundMessage._meta.db_table} SET state = %s, lease_until = %s, attempts = attempts + 1, "  # noqa: S608
    "send_started_at = NULL WHERE id IN ({ids}) AND ((state = %s AND next_attempt_at <= %s) "
    "OR (state = %s AND lease_until <= %s AND attempts < %s "
    "AND (send_started_at IS NULL OR channel IN ({repeatable})))) RETURNING id"
)


def _repeatable_channels() -> list[str]:
    return [kind for kind in registered_kinds() if get_transport(kind).repeat_is_harmless]


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


def _render_once(outbound: OutboundMessage) -> bool:
    """The text is rendered before the first send and kept (``_store_texts``, before any row of the batch is
    sent): a re-send repeats it word for word. Whether it was rendered now."""
    if outbound.body:
        return False
    rendered = render(outbound)
    outbound.subject, outbound.body = rendered.subject[:300], rendered.body
    return True


def _store_texts(rows: list[OutboundMessage]) -> None:
    """The texts just rendered for a batch, in one UPDATE (it was one a row, a fifth of a mail's statements).
    A VALUES list's columns are column1, column2… on both PostgreSQL and SQLite."""
    if not rows:
        return
    table = OutboundMessage._meta.db_table
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET subject = v.column2, body = v.column3 "  # noqa: S608 - names from the model
            f"FROM (VALUES {values}) AS v WHERE {table}.id = v.column1",
            [value for row in rows for value in (row.pk, row.subject, row.body)],
        )


def _unclaimed(outbound_id: int) -> Outcome:
    row = OutboundMessage.objects.filter(pk=outbound_id).values("state", "lease_until", "next_attempt_at").first()
    if row is None:
        return Outcome("gone")
    lapsed = row["lease_until"] is not None and row["lease_until"] <= timezone.now()
    if row["state"] == DeliveryState.SENDING and lapsed:
        # Lapsed and yet not claimable: its send began (in doubt) or it used every attempt. Settled now, else the
        # retry below would come back at once, again and again, until the sweep.
        settle_lapsed([outbound_id])
        return Outcome(str(OutboundMessage.objects.filter(pk=outbound_id).values_list("state", flat=True).get()))
    if row["state"] == DeliveryState.SENDING:  # another worker holds it; if that one died, try after its lease
        return Outcome(str(row["state"]), retry_at=row["lease_until"])
    if row["state"] == DeliveryState.QUEUED and row["next_attempt_at"] > timezone.now():
        return Outcome(str(row["state"]), retry_at=row["next_attempt_at"])  # it waits for the case's next changes
    return Outcome(str(row["state"]))


def _record_sent(outbound: OutboundMessage, result: SendResult) -> Outcome:
    # Also over "in doubt": this worker outlived its lease, and now knows that the message went.
    _write_result(
        outbound,
        (DeliveryState.SENDING, DeliveryState.IN_DOUBT),
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
        if _write_result(outbound, state=DeliveryState.FAILED, last_error=reason[:2000], lease_until=None):
            record_delivery_failure(outbound.case_id, outbound_id=outbound.pk, channel=outbound.channel, reason=reason)
        return Outcome(DeliveryState.FAILED)
    # The provider's Retry-After when it gave one (a 429), else our own backoff.
    wait = timedelta(seconds=retry_after) if retry_after is not None else backoff(outbound.attempts)
    retry_at = timezone.now() + wait
    _write_result(
        outbound, state=DeliveryState.QUEUED, last_error=reason[:2000], lease_until=None, next_attempt_at=retry_at
    )
    return Outcome(DeliveryState.QUEUED, retry_at=retry_at)


def _record_in_doubt(outbound: OutboundMessage, reason: str) -> Outcome:
    logger.warning("outbound delivery in doubt", extra={"outbound_id": outbound.pk, "attempt": outbound.attempts})
    if _write_result(outbound, state=DeliveryState.IN_DOUBT, last_error=reason[:2000], lease_until=None):
        record_delivery_failure(outbound.case_id, outbound_id=outbound.pk, channel=outbound.channel, reason=reason)
    return Outcome(DeliveryState.IN_DOUBT)


def _still_ours(
    outbound: OutboundMessage, states: tuple[str, ...] = (DeliveryState.SENDING,)
) -> QuerySet[OutboundMessage]:
    return OutboundMessage.objects.filter(pk=outbound.pk, state__in=states, attempts=outbound.attempts)


def _write_result(
    outbound: OutboundMessage, states: tuple[str, ...] = (DeliveryState.SENDING,), **fields: object
) -> int:
    """Record what the provider answered, on the row if it is still ours. A lost database connection (a
    restart) or a locked SQLite file is retried until the row's lease ends: a send whose record is lost leaves
    its row in doubt, though the customer has the message."""
    while True:
        try:
            return _still_ours(outbound, states).update(**fields)
        except (OperationalError, InterfaceError):
            if outbound.lease_until is None or timezone.now() >= outbound.lease_until:
                raise
            logger.warning("recording an outbound result failed; retrying", extra={"outbound_id": outbound.pk})
        connection.close()  # a dead connection is replaced at the next query
        time.sleep(_RECORD_RETRY_SECONDS)


def backoff(attempts: int) -> timedelta:
    """Exponential: the base delay after the first failure, doubled after each further one."""
    return timedelta(seconds=settings.SORIDAM_OUTBOUND_BACKOFF_SECONDS * 2 ** (attempts - 1))


def _lease() -> timedelta:
    return timedelta(seconds=settings.SORIDAM_OUTBOUND_LEASE_SECONDS)


def settle_lapsed(outbound_ids: list[int] | None = None, now: datetime | None = None) -> int:
    """Rows whose lease ran out that cannot be claimed again (of ``outbound_ids``, else all): in doubt where a
    send began, failed where the worker died in every allowed attempt. Returns how many."""
    lapsed = OutboundMessage.objects.filter(state=DeliveryState.SENDING, lease_until__lte=now or timezone.now())
    if outbound_ids is not None:
        lapsed = lapsed.filter(pk__in=outbound_ids)
    return _declare_in_doubt(lapsed) + _fail_abandoned(lapsed)


def _declare_in_doubt(lapsed: QuerySet[OutboundMessage]) -> int:
    """Each row in its own transaction with its timeline entry and alert: the agent is told that the customer
    may or may not have the message (nothing shows which; the mail server's log could)."""
    began = lapsed.filter(send_started_at__isnull=False).exclude(channel__in=_repeatable_channels())
    declared = 0
    for pk, case_id, channel in began.values_list("pk", "case_id", "channel"):
        with transaction.atomic():
            if began.filter(pk=pk).update(state=DeliveryState.IN_DOUBT, lease_until=None, last_error=IN_DOUBT_REASON):
                record_delivery_failure(case_id, outbound_id=pk, channel=channel, reason=IN_DOUBT_REASON)
                declared += 1
    return declared


def _fail_abandoned(lapsed: QuerySet[OutboundMessage]) -> int:
    """Rows whose worker died during every allowed attempt (a message that kills the worker) fail."""
    return lapsed.filter(attempts__gte=settings.SORIDAM_OUTBOUND_MAX_ATTEMPTS).update(
        state=DeliveryState.FAILED, lease_until=None, last_error="The worker stopped during every attempt"
    )


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
