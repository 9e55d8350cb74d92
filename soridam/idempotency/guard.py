"""The ``Idempotency-Key`` guard for POST and PATCH under /api/v1/ (R-API-4).

The same key with the same request (method, path and SHA-256 of the body) from the same user within
24 hours replays the stored response and runs nothing. The same key with a different request is
refused (422), and so is a duplicate that arrives while the first is still running (409).

How it stays safe and cheap:

- Requests without the header pay nothing. With it: one INSERT to claim the key (committed at once,
  so a concurrent duplicate sees it), and one UPDATE to store the response.
- The operation and the storing of its response run in one transaction, which first locks the claim's
  row. If the process dies half way, nothing of the operation is committed, the claim is left unfinished
  and its lock goes with the dead connection. A duplicate that finds an unfinished claim older than
  ``CLAIM_GRACE`` asks for that lock without waiting: refused, the first request is still running (409);
  granted, it died, and the duplicate takes the claim over and runs. So a crash costs the client seconds,
  not the ten minutes a fixed timeout would. (SQLite has no row locks; there the running request holds the
  database's write lock, which a duplicate's claim waits for, so an unfinished claim it sees is a dead one.)
- Only successful (2xx) responses are kept. After an error the claim is dropped, so the client may
  retry with the same key; the failed attempt changed nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from functools import partial, wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from soridam.accounts.models import User
from soridam.idempotency.models import IdempotencyRecord
from soridam.lib.api_errors import error_response
from soridam.lib.ratelimit import RateLimited

HEADER = "Idempotency-Key"
METHODS = frozenset({"POST", "PATCH"})
KEEP_FOR = timedelta(hours=24)
# Between committing a claim and locking it, the first request has not yet locked its row.
CLAIM_GRACE = timedelta(seconds=5)
REPLAYED_HEADER = "Idempotent-Replayed"
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")

Run = Callable[..., HttpResponseBase]
Authenticate = Callable[[HttpRequest], User | None]


class Outcome(Enum):
    NEW = "new"
    REPLAY = "replay"
    MISMATCH = "mismatch"
    IN_FLIGHT = "in_flight"


@dataclass(frozen=True)
class Fingerprint:
    method: str
    path: str
    request_hash: str

    @classmethod
    def of(cls, request: HttpRequest) -> Fingerprint:
        return cls(str(request.method), request.path[:300], hashlib.sha256(request.body).hexdigest())

    def matches(self, record: IdempotencyRecord) -> bool:
        return (record.method, record.path, record.request_hash) == (self.method, self.path, self.request_hash)


@dataclass(frozen=True)
class Claim:
    outcome: Outcome
    record: IdempotencyRecord | None


def idempotent(authenticate: Authenticate) -> Callable[[Run], Run]:
    """Wrap an operation's ``run`` (django-ninja "view" mode decorator) with the guard.

    ``authenticate`` must keep its result on the request, so the operation's own authentication
    afterwards neither repeats the lookup nor counts the request twice against the rate limit.
    """

    def decorate(run: Run) -> Run:
        @wraps(run)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            key = request.headers.get(HEADER)
            if key is None or request.method not in METHODS:
                return run(request, *args, **kwargs)
            return _guarded_call(request, key, authenticate, partial(run, request, *args, **kwargs))

        return guarded

    return decorate


def _guarded_call(
    request: HttpRequest, key: str, authenticate: Authenticate, call: Callable[[], HttpResponseBase]
) -> HttpResponseBase:
    user = _user_or_none(request, authenticate)
    fingerprint = _fingerprint_or_none(request)
    if user is None or fingerprint is None:
        return call()  # the operation itself answers 401, 413 or 429
    if not _VALID_KEY.match(key):
        message = _("An idempotency key is 1 to 255 visible ASCII characters.")
        return error_response(request, 400, message, code="invalid_idempotency_key", fields={HEADER: [message]})
    claim = claim_key(user, key, fingerprint)
    if claim.outcome is Outcome.NEW and claim.record is not None:
        return _run_once(claim.record, call)
    if claim.outcome is Outcome.REPLAY and claim.record is not None:
        return _replay(claim.record)
    if claim.outcome is Outcome.MISMATCH:
        message = _("This idempotency key was already used for a different request.")
        return error_response(request, 422, message, code="idempotency_key_reused", fields={HEADER: [message]})
    message = _("A request with this idempotency key is still being processed. Retry shortly.")
    return error_response(request, 409, message, code="idempotency_in_flight")


def _user_or_none(request: HttpRequest, authenticate: Authenticate) -> User | None:
    try:
        return authenticate(request)
    except RateLimited:
        return None


def _fingerprint_or_none(request: HttpRequest) -> Fingerprint | None:
    try:
        return Fingerprint.of(request)
    except RequestDataTooBig:
        return None


def claim_key(user: User, key: str, fingerprint: Fingerprint) -> Claim:
    """Claim ``key`` for this request, or say why not. Safe against concurrent claims of the same key."""
    for _attempt in range(3):
        created = _insert(user, key, fingerprint)
        if created is not None:
            return Claim(Outcome.NEW, created)
        existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if existing is None:
            continue  # released between our insert and our read
        if existing.created_at < timezone.now() - KEEP_FOR:
            _delete_unchanged(existing)
            continue
        judged = _judge(existing, fingerprint)
        if judged is not None:
            return judged
    return Claim(Outcome.IN_FLIGHT, None)


def _judge(existing: IdempotencyRecord, fingerprint: Fingerprint) -> Claim | None:
    """What to answer for an existing claim; None when it changed under us and must be read again."""
    if not fingerprint.matches(existing):
        return Claim(Outcome.MISMATCH, existing)
    if existing.is_finished:
        return Claim(Outcome.REPLAY, existing)
    if not _holder_is_gone(existing):
        return Claim(Outcome.IN_FLIGHT, existing)
    return Claim(Outcome.NEW, existing) if _take_over(existing) else None


def _holder_is_gone(record: IdempotencyRecord) -> bool:
    """True when no running request holds this unfinished claim (its process died before answering)."""
    if record.created_at > timezone.now() - CLAIM_GRACE:
        return False
    try:
        with transaction.atomic():
            list(IdempotencyRecord.objects.select_for_update(nowait=True).filter(pk=record.pk).values_list("pk"))
    except DatabaseError:  # locked: the first request is still running
        return False
    return True


def _insert(user: User, key: str, fingerprint: Fingerprint) -> IdempotencyRecord | None:
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                user=user,
                key=key,
                method=fingerprint.method,
                path=fingerprint.path,
                request_hash=fingerprint.request_hash,
            )
    except IntegrityError:
        return None


def _delete_unchanged(record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk, created_at=record.created_at).delete()


def _take_over(record: IdempotencyRecord) -> bool:
    """Restart an abandoned claim; of two concurrent takers only one wins."""
    now = timezone.now()
    taken = IdempotencyRecord.objects.filter(
        pk=record.pk, status_code__isnull=True, created_at=record.created_at
    ).update(created_at=now)
    record.created_at = now
    return taken == 1


def _run_once(record: IdempotencyRecord, call: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    try:
        with transaction.atomic():
            _lock(record)
            response = call()
            _store(record, response)
    except BaseException:
        release(record)
        raise
    return response


def _lock(record: IdempotencyRecord) -> None:
    """Hold the claim's row lock while the operation runs: duplicates can tell a running claim from a dead one."""
    if connection.features.has_select_for_update:
        list(IdempotencyRecord.objects.select_for_update().filter(pk=record.pk).values_list("pk"))


def _store(record: IdempotencyRecord, response: HttpResponseBase) -> None:
    if isinstance(response, HttpResponse) and 200 <= response.status_code < 300:
        record.status_code = response.status_code
        record.response_body = response.content.decode()
        record.save(update_fields=["status_code", "response_body"])
    else:
        record.delete()


def release(record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk, status_code__isnull=True).delete()


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        record.response_body, status=record.status_code or 200, content_type="application/json; charset=utf-8"
    )
    response[REPLAYED_HEADER] = "true"
    return response


def purge_expired() -> int:
    """Delete records older than ``KEEP_FOR``; returns how many went."""
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
    return deleted
