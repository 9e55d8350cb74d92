"""Inbound for every channel: verify, store the raw payload first, then process it (see base.py)."""

from __future__ import annotations

import hashlib
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from soridam.channels.base import Ignored, Rejected, get_transport
from soridam.channels.models import ChannelAccount, PayloadState, RawPayload

logger = logging.getLogger(__name__)


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
    external_id = transport.external_id(raw)[:200]
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
            from soridam.channels.tasks import process_payload
            from soridam.lib.jobs import enqueue_on_commit

            enqueue_on_commit(process_payload, payload.pk)
    return payload, True


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
    """Turn one pending payload into a case message, or quarantine it. Safe to run twice."""
    with transaction.atomic():
        payload = RawPayload.objects.select_for_update(of=("self",)).select_related("account").get(pk=payload_id)
        if payload.state != PayloadState.PENDING:
            return payload
        try:
            with transaction.atomic():
                delivered = get_transport(payload.kind).process(payload)
        except Rejected as exc:
            payload.state, payload.reason = PayloadState.QUARANTINED, str(exc)[:2000]
        except Exception as exc:  # noqa: BLE001 - a parser bug quarantines the payload; the bytes are kept
            logger.exception("channel payload failed", extra={"payload_id": payload.pk, "kind": payload.kind})
            payload.state, payload.reason = PayloadState.QUARANTINED, f"{type(exc).__name__}: {exc}"[:2000]
        else:
            if isinstance(delivered, Ignored):
                payload.state, payload.reason, payload.case = (
                    PayloadState.IGNORED,
                    delivered.reason[:2000],
                    delivered.case,
                )
            else:
                payload.state, payload.reason = PayloadState.PROCESSED, ""
                payload.case, payload.message = delivered.case, delivered.message
        payload.processed_at = timezone.now()
        payload.save(update_fields=["state", "reason", "case", "message", "processed_at"])
        return payload


def requeue(payload: RawPayload) -> RawPayload:
    """Put a quarantined payload back to pending and process it again (after a fix). Processed and
    ignored ones (duplicates, auto-replies, bounces) are left alone: replaying them would double them."""
    if payload.state not in (PayloadState.QUARANTINED, PayloadState.PENDING):
        return payload
    RawPayload.objects.filter(pk=payload.pk).update(state=PayloadState.PENDING, reason="")
    return process(payload.pk)
