"""LINE Messaging API (kind ``line``, channels.md §3).

In: LINE POSTs a batch of events to ``/hooks/line/<account>/``, signed in ``x-line-signature``:
Base64(HMAC-SHA256(channel secret = the account's ``secret``, raw body)). Each text message becomes a case
message (``parse``); the batch is stored once under its events' ids, and each event once under its
``webhookEventId``, so a redelivery in another batch is still taken in once.
Out: a message's reply token is kept on the conversation with its time; the first answer within
``reply_token_seconds`` (default 50; LINE does not publish the limit) uses it, once, with ``/reply``; every
later answer is a ``/push`` with an ``X-Line-Retry-Key`` derived from the outbox row, so a retried push is
delivered once (LINE answers 409 to the repeat). Both carry ``Authorization: Bearer <account token>``.

Account options: ``api_base`` (default ``https://api.line.me``; a local fake server in tests),
``reply_token_seconds``, ``bot`` (false: no bot answers).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from soridam.channels.base import (
    Delivered,
    Health,
    Ignored,
    SendResult,
    Transport,
    TransportError,
    Unauthorized,
    register,
)
from soridam.channels.http import HttpError, call, post_json
from soridam.channels.kinds import Channel
from soridam.channels.line import parse
from soridam.channels.messaging import take_in
from soridam.channels.models import ChannelAccount, MessengerThread, RawPayload
from soridam.notifications.models import OutboundMessage

API_BASE = "https://api.line.me"
MAX_TEXT = 5000  # characters in one text message (channels.md §3)
REPLY_TOKEN_SECONDS = 50.0
# Retry keys are UUIDs derived from the outbox row, so every attempt at one row carries the same key.
_RETRY_KEYS = uuid.UUID("6a1f0a52-3c4e-4d55-9a43-2d6f1b0c7e11")


class LineTransport(Transport):
    kind = Channel.LINE
    webhook = True

    def external_id(self, raw: bytes) -> str:
        return parse.batch_id(raw)

    def same_content(self, stored: bytes, raw: bytes) -> bool:
        return parse.same_events(stored, raw)

    def authenticate(self, request: HttpRequest, raw: bytes, account: ChannelAccount) -> None:
        if not account.secret:
            raise Unauthorized("the account has no channel secret set", status=403)
        given = request.headers.get("x-line-signature", "").encode()
        expected = base64.b64encode(hmac.new(account.secret.encode(), raw, hashlib.sha256).digest())
        if not hmac.compare_digest(given, expected):
            raise Unauthorized("missing or wrong x-line-signature", status=401)

    def process(self, payload: RawPayload) -> Delivered | Ignored:
        received_at = payload.received_at.timestamp()
        outcomes = [_take(payload, event, received_at) for event in parse.events(bytes(payload.raw))]
        delivered = [outcome for outcome in outcomes if isinstance(outcome, Delivered)]
        if delivered:
            return delivered[0]  # the payload row points at one message; each event has its own row anyway
        reasons = "; ".join(outcome.reason for outcome in outcomes if isinstance(outcome, Ignored))
        return Ignored(reasons or "a LINE body without events (the console's Verify)")

    def send(self, outbound: OutboundMessage) -> SendResult:
        account = _account(outbound)
        text = outbound.body
        if len(text) > MAX_TEXT:
            raise TransportError(_("The reply is longer than LINE's 5,000 characters."), permanent=True)
        messages = [{"type": "text", "text": text}]
        token = _take_reply_token(account, outbound.recipient)
        if token:
            try:
                answer = post_json(
                    _url(account, "/v2/bot/message/reply"),
                    {"replyToken": token, "messages": messages},
                    headers=_auth(account),
                    what="reply",
                )
                return SendResult(external_id=_sent_id(answer.json()))
            except HttpError as exc:
                if exc.status != 400:  # 400: the token expired early; the push below still reaches them
                    raise
        return _push(account, outbound, messages)

    def health(self, account: ChannelAccount) -> Health:
        try:
            answer = call("GET", _url(account, "/v2/bot/info"), headers=_auth(account), what="bot info", timeout=10)
        except TransportError as exc:
            return Health(ok=False, detail=str(exc))
        info = answer.json() or {}
        return Health(ok=True, detail=_("Signed in as %(name)s") % {"name": info.get("displayName", "?")})


def _take(payload: RawPayload, event: dict[str, object], received_at: float) -> Delivered | Ignored:
    inbound = parse.read(event, received_at=received_at)
    if isinstance(inbound, Ignored):
        return inbound
    return take_in(payload, inbound).outcome


def _push(account: ChannelAccount, outbound: OutboundMessage, messages: list[dict[str, str]]) -> SendResult:
    headers = {**_auth(account), "X-Line-Retry-Key": retry_key(outbound)}
    try:
        answer = post_json(
            _url(account, "/v2/bot/message/push"),
            {"to": outbound.recipient, "messages": messages},
            headers=headers,
            what="push",
        )
    except HttpError as exc:
        if exc.status == 409:  # an earlier attempt with this key was accepted: it is delivered, not again
            return SendResult(external_id=outbound.external_id)
        raise
    return SendResult(external_id=_sent_id(answer.json()))


def retry_key(outbound: OutboundMessage) -> str:
    """The same UUID for every attempt at one outbox row, and another for every other row."""
    return str(uuid.uuid5(_RETRY_KEYS, f"{outbound.pk}:{outbound.created_at.isoformat()}"))


def _take_reply_token(account: ChannelAccount, user_id: str) -> str:
    """The conversation's reply token if it is still fresh; it is used up either way (single use)."""
    seconds = float(account.options.get("reply_token_seconds") or REPLY_TOKEN_SECONDS)
    with transaction.atomic():
        thread = MessengerThread.objects.select_for_update().filter(account=account, user_id=user_id).first()
        context = thread.reply_context if thread is not None else {}
        token, at = context.get("reply_token"), context.get("received_at")
        if thread is None or not token:
            return ""
        thread.reply_context = {}
        thread.save(update_fields=["reply_context"])
    fresh = isinstance(at, int | float) and time.time() - at <= seconds
    return str(token) if fresh else ""


def _account(outbound: OutboundMessage) -> ChannelAccount:
    account = outbound.account
    if account is None or not account.token:
        raise TransportError(_("The LINE account or its channel access token is missing."), permanent=True)
    return account


def _url(account: ChannelAccount, path: str) -> str:
    return str(account.options.get("api_base") or API_BASE).rstrip("/") + path


def _auth(account: ChannelAccount) -> dict[str, str]:
    return {"Authorization": f"Bearer {account.token}"}


def _sent_id(answer: object) -> str:
    sent = answer.get("sentMessages") if isinstance(answer, dict) else None
    first = sent[0] if isinstance(sent, list) and sent and isinstance(sent[0], dict) else {}
    return str(first.get("id") or "")


register(LineTransport())
