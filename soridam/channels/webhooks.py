"""``/hooks/<kind>/<account>/``: the one door every provider's webhook comes through (channels.md §0).

In this order, and never a 500: the channel and the account (404), Meta's ``GET`` verification, the size
(413, before the body is read), the signature or token over the raw bytes (401/403, nothing stored, one log
line), the JSON (400), then the raw body stored under the provider's id (a re-delivery is stored once) and its
processing queued on commit; the provider's 2xx comes only after the commit (``Transport.answer``).
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from soridam.accounts import processors
from soridam.channels import pipeline
from soridam.channels.base import Transport, Unauthorized, get_transport
from soridam.channels.models import ChannelAccount

logger = logging.getLogger(__name__)


@csrf_exempt  # providers sign their requests instead; there is no session
@require_http_methods(["GET", "POST"])
def hook(request: HttpRequest, kind: str, account: str) -> HttpResponseBase:
    transport, channel_account = _endpoint(kind, account)
    if transport is None or channel_account is None:
        return HttpResponse(status=404)
    if request.method == "GET":
        return transport.challenge(request, channel_account) or HttpResponse(status=405)
    raw = _body(request, transport.max_body)
    if raw is None:
        return HttpResponse(status=413)
    try:
        transport.authenticate(request, raw, channel_account)
    except Unauthorized as exc:
        logger.warning("webhook refused", extra={"kind": kind, "account": channel_account.pk, "reason": str(exc)})
        return HttpResponse(status=exc.status)
    if not _is_json_object(raw):
        logger.info("webhook body is not a JSON object", extra={"kind": kind, "account": channel_account.pk})
        return HttpResponse("malformed JSON", status=400, content_type="text/plain")
    return _store_and_answer(request, transport, channel_account, raw)


def _endpoint(kind: str, slug: str) -> tuple[Transport | None, ChannelAccount | None]:
    try:
        transport = get_transport(kind)
    except LookupError:
        return None, None
    if not transport.webhook:
        return None, None
    if not processors.is_accepted(kind):  # an outside processor nobody accepted is off (R-SEC-13)
        return transport, None
    return transport, ChannelAccount.objects.filter(kind=kind, slug=slug, is_active=True).first()


def _body(request: HttpRequest, limit: int) -> bytes | None:
    """The raw body, or None when it is longer than ``limit`` (read no further than one byte past it)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    raw = request.read(limit + 1)
    return None if len(raw) > limit else raw


def _is_json_object(raw: bytes) -> bool:
    try:
        return isinstance(json.loads(raw), dict)
    except (ValueError, RecursionError):
        return False


def _store_and_answer(
    request: HttpRequest, transport: Transport, account: ChannelAccount, raw: bytes
) -> HttpResponseBase:
    source = f"webhook {request.META.get('REMOTE_ADDR', '')}"
    try:
        with transaction.atomic():
            payload, is_new = pipeline.receive(transport.kind, raw, account=account, source=source)
    except DatabaseError:
        logger.exception("webhook payload could not be stored", extra={"kind": transport.kind})
        return HttpResponse(status=503)  # not stored: the provider must deliver it again
    try:
        return transport.answer(request, account, payload, is_new)
    except Exception:  # noqa: BLE001 - it is stored and queued; the provider must not retry it
        logger.exception("webhook answer failed", extra={"kind": transport.kind, "payload": payload.pk})
        return HttpResponse(status=200)


def webhook_url(account: ChannelAccount) -> str:
    """The address to give the provider (``SITE_URL`` must be the public HTTPS address)."""
    if not account.slug:
        return ""
    return settings.SITE_URL + reverse("webhook", kwargs={"kind": account.kind, "account": account.slug})
