"""Inbound for every channel: verify, store the raw payload first, then process it (see base.py)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from soridam.channels.base import Delivered, Ignored, Rejected, Transport, get_transport
from soridam.channels.models import ChannelAccount, PayloadState, RawPayload
from soridam.lib import jobs

logger = logging.getLogger(__name__)
# The task that processes a stored payload; it calls this module, so it is named, not imported (lib.jobs).
PROCESS_PAYLOAD = "soridam.channels.tasks.process_payload"


def receive(
    kind: str, raw: bytes, *, account: ChannelAccount | None = None, source: str = "", process_now: bool = False
) -> tuple[RawPayload, bool]:
    """Store one inbound payload and get it processed; returns (payload, is_new).

    The bytes are committed before anything parses them. The same delivery again (same external id
    and bytes) returns the stored row untouched; the same id and content with other transport details
    is kept but not processed; the same id with other content (a reused or forged id) is processed.
    """
    transport = get_transport(kind)
    digest = hashlib.sha256(raw).hexdigest()
    external_id = _storable_id(transport.external_id(raw))
    state, reason = PayloadState.PENDING, ""
    try:
        transport.verify(raw, account)
    except Rejected as exc:
        state, reason = PayloadState.QUARANTINED, f"rejected: {exc}"
    payload = _store(kind, raw, digest, external_id, account, source, state, reason)
    if payload is None:  # this id is stored already: a re-delivery, or another message reusing the id
        existing = RawPayload.objects.get(kind=kind, external_id=external_id)
        if existing.sha256 == digest:
            return existing, False
        if transport.same_content(bytes(existing.raw), raw):
            # e.g. one mail delivered to two of our mailboxes: other trace headers, same message
            state, reason = PayloadState.IGNORED, f"duplicate of payload {existing.pk} (same id and content)"
        payload = _store(kind, raw, digest, f"{external_id}#{digest[:16]}", account, source, state, reason)
        if payload is None:
            return RawPayload.objects.get(kind=kind, external_id=f"{external_id}#{digest[:16]}"), False
    if payload.state == PayloadState.PENDING:
        if process_now:
            payload = process(payload.pk)
        else:
            _enqueue_processing(transport, payload.pk)
    return payload, True


def _enqueue_processing(transport: Transport, payload_id: int) -> None:
    delay = transport.process_delay()
    if delay is None:
        jobs.enqueue_job_on_commit(PROCESS_PAYLOAD, payload_id)
    else:
        jobs.enqueue_on_commit(jobs.task_at(PROCESS_PAYLOAD).using(run_after=timezone.now() + delay), payload_id)


def receive_many(
    kind: str, items: Sequence[tuple[bytes, str]], *, account: ChannelAccount | None = None, process_now: bool = False
) -> list[tuple[RawPayload, bool]]:
    """``receive`` for a batch of (raw bytes, source): the new payloads are committed together, in one
    transaction and one INSERT, before any of them is processed; then each is processed in its own
    transaction, in the given order. Ids seen before (or twice in the batch) take the one-by-one path."""
    transport = get_transport(kind)
    built = [_new_row(transport, kind, raw, account, source) for raw, source in items]
    rows: list[RawPayload | None] = []
    with transaction.atomic():
        seen = _stored_ids(kind, [row.external_id for row in built])
        for row in built:
            rows.append(None if row.external_id in seen else row)
            seen.add(row.external_id)
        try:
            with transaction.atomic():
                RawPayload.objects.bulk_create([row for row in rows if row is not None])
        except IntegrityError:  # a concurrent delivery of the same id: one by one below
            rows = [None] * len(items)
        if not process_now:
            _enqueue([row for row in rows if row is not None])
    if process_now:
        pending = [row.pk for row in rows if row is not None and row.state == PayloadState.PENDING]
        done = {payload.pk: payload for payload in process_many(pending)}
        rows = [done.get(row.pk, row) if row is not None else None for row in rows]
    results: list[tuple[RawPayload, bool]] = []
    for (raw, source), stored in zip(items, rows, strict=True):
        if stored is None:
            results.append(receive(kind, raw, account=account, source=source, process_now=process_now))
        else:
            results.append((stored, True))
    return results


def _storable_id(external_id: str) -> str:
    """The id as a text column holds it: PostgreSQL refuses NUL in text, and a provider's id comes from the
    payload, which anyone can fill. Without this a crafted id would fail the store (a 5xx to the provider)."""
    return external_id.replace("\x00", "")[:200]


def _stored_ids(kind: str, external_ids: list[str]) -> set[str]:
    return set(RawPayload.objects.filter(kind=kind, external_id__in=external_ids).values_list("external_id", flat=True))


def _new_row(transport: Transport, kind: str, raw: bytes, account: ChannelAccount | None, source: str) -> RawPayload:
    state, reason = PayloadState.PENDING, ""
    try:
        transport.verify(raw, account)
    except Rejected as exc:
        state, reason = PayloadState.QUARANTINED, f"rejected: {exc}"
    return RawPayload(
        kind=kind,
        account=account,
        external_id=_storable_id(transport.external_id(raw)),
        source=source[:255],
        raw=raw,
        size=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
        state=state,
        reason=reason,
    )


def _enqueue(rows: list[RawPayload]) -> None:
    with jobs.batched():
        for row in rows:
            if row.state == PayloadState.PENDING:
                jobs.enqueue_job_on_commit(PROCESS_PAYLOAD, row.pk)


def _store(
    kind: str,
    raw: bytes,
    digest: str,
    external_id: str,
    account: ChannelAccount | None,
    source: str,
    state: str,
    reason: str,
) -> RawPayload | None:
    try:
        with transaction.atomic():
            return RawPayload.objects.create(
                kind=kind,
                account=account,
                external_id=external_id,
                source=source[:255],
                raw=raw,
                size=len(raw),
                sha256=digest,
                state=state,
                reason=reason,
            )
    except IntegrityError:
        return None


def process(payload_id: int) -> RawPayload:
    """Turn one pending payload into a case message, or quarantine it. Safe to run twice.

    The happy path is one transaction with no savepoint; when the transport fails, that transaction
    rolls back whole and a second one quarantines the payload (the bytes stay stored either way).
    """
    try:
        with transaction.atomic():
            payload = _locked_pending(payload_id)
            if payload is None:
                return RawPayload.objects.get(pk=payload_id)
            _finish(payload, get_transport(payload.kind).process(payload))
            return payload
    except Rejected as exc:
        return _quarantine(payload_id, str(exc))
    except Exception as exc:  # noqa: BLE001 - a parser bug quarantines the payload; the bytes are kept
        logger.exception("channel payload failed", extra={"payload_id": payload_id})
        return _quarantine(payload_id, f"{type(exc).__name__}: {exc}")


def process_many(payload_ids: Sequence[int]) -> list[RawPayload]:
    """``process`` for a batch, in one transaction: one lock query, one commit, one INSERT for the task
    rows and one UPDATE for the payload states, instead of four round trips per payload.

    A payload that fails (quarantine) or a lock conflict rolls the whole batch back; each payload is then
    processed on its own, so a bad one quarantines only itself and the rest are stored exactly once.
    """
    if len(payload_ids) < 2:
        return [process(payload_id) for payload_id in payload_ids]
    try:
        with transaction.atomic(), jobs.batched():
            locked = RawPayload.objects.select_for_update().filter(pk__in=payload_ids, state=PayloadState.PENDING)
            payloads = {payload.pk: payload for payload in locked.order_by("pk")}
            for payload in payloads.values():
                _set_outcome(payload, get_transport(payload.kind).process(payload))
            RawPayload.objects.bulk_update(payloads.values(), _OUTCOME_FIELDS)
    except Exception:  # noqa: BLE001 - redone one by one below, where each failure is quarantined
        logger.info("channel batch rolled back; processing its payloads one by one", exc_info=True)
        return [process(payload_id) for payload_id in payload_ids]
    return [payloads.get(payload_id) or RawPayload.objects.get(pk=payload_id) for payload_id in payload_ids]


def _locked_pending(payload_id: int) -> RawPayload | None:
    payload = RawPayload.objects.select_for_update().get(pk=payload_id)  # a transport reads .account lazily
    return payload if payload.state == PayloadState.PENDING else None


_OUTCOME_FIELDS = ["state", "reason", "case", "message", "processed_at"]


def _finish(payload: RawPayload, delivered: Delivered | Ignored) -> None:
    _set_outcome(payload, delivered)
    payload.save(update_fields=_OUTCOME_FIELDS)


def _set_outcome(payload: RawPayload, delivered: Delivered | Ignored) -> None:
    if isinstance(delivered, Ignored):
        payload.state, payload.reason, payload.case = PayloadState.IGNORED, delivered.reason[:2000], delivered.case
    else:
        payload.state, payload.reason = PayloadState.PROCESSED, ""
        payload.case, payload.message = delivered.case, delivered.message
    payload.processed_at = timezone.now()


def _quarantine(payload_id: int, reason: str) -> RawPayload:
    with transaction.atomic():
        payload = _locked_pending(payload_id)
        if payload is None:  # another worker finished it meanwhile
            return RawPayload.objects.get(pk=payload_id)
        payload.state, payload.reason, payload.processed_at = PayloadState.QUARANTINED, reason[:2000], timezone.now()
        payload.save(update_fields=["state", "reason", "processed_at"])
        return payload


def requeue(payload: RawPayload) -> RawPayload:
    """Put a quarantined payload back to pending and process it again (after a fix). Processed and
    ignored ones (duplicates, auto-replies, bounces) are left alone: replaying them would double them."""
    if payload.state not in (PayloadState.QUARANTINED, PayloadState.PENDING):
        return payload
    RawPayload.objects.filter(pk=payload.pk).update(state=PayloadState.PENDING, reason="")
    return process(payload.pk)
