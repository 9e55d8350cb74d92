"""Telegram Bot API (kind ``telegram``, channels.md §4).

In: Telegram POSTs one ``Update`` per call to ``/hooks/telegram/<account>/`` with the secret we set in
``setWebhook`` (the account's ``secret``) in ``X-Telegram-Bot-Api-Secret-Token``; there is no body
signature. Re-deliveries carry the same ``update_id``, the payload's id. Out: ``sendMessage`` to the chat, with
the bot token (the account's ``token``) in the URL, which is never logged or stored in an error text. A 429
carries ``parameters.retry_after``, honoured like ``Retry-After``.

Account options: ``api_base`` (default ``https://api.telegram.org``; a local fake server in tests), ``bot``
(false: no bot answers; every message goes to a person).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json

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
from soridam.channels.messaging import take_in
from soridam.channels.models import ChannelAccount, RawPayload
from soridam.channels.telegram import parse
from soridam.notifications.models import OutboundMessage

API_BASE = "https://api.telegram.org"
MAX_TEXT = 4096  # characters in one message (channels.md §4)


class TelegramTransport(Transport):
    kind = Channel.TELEGRAM
    webhook = True

    def external_id(self, raw: bytes) -> str:
        return parse.update_id(raw) or _digest(raw)

    def authenticate(self, request: HttpRequest, raw: bytes, account: ChannelAccount) -> None:
        expected = account.secret.encode()
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "").encode()
        if not expected:
            raise Unauthorized("the account has no secret token set", status=403)
        if not hmac.compare_digest(given, expected):
            raise Unauthorized("missing or wrong X-Telegram-Bot-Api-Secret-Token", status=403)

    def process(self, payload: RawPayload) -> Delivered | Ignored:
        inbound = parse.read(bytes(payload.raw))
        if isinstance(inbound, Ignored):
            return inbound
        return take_in(payload, inbound).outcome

    def send(self, outbound: OutboundMessage) -> SendResult:
        account = _account(outbound)
        text = outbound.body
        if len(text) > MAX_TEXT:
            raise TransportError(_("The reply is longer than Telegram's 4,096 characters."), permanent=True)
        try:
            answer = post_json(
                _method_url(account, "sendMessage"), {"chat_id": outbound.recipient, "text": text}, what="sendMessage"
            )
        except HttpError as exc:
            raise _with_retry_after(exc) from None
        sent = answer.json() or {}
        message_id = (sent.get("result") or {}).get("message_id") if isinstance(sent, dict) else None
        return SendResult(external_id=f"{outbound.recipient}:{message_id}" if message_id is not None else "")

    def health(self, account: ChannelAccount) -> Health:
        try:
            answer = call("GET", _method_url(account, "getMe"), what="getMe", timeout=10)
        except TransportError as exc:
            return Health(ok=False, detail=str(exc))
        me = (answer.json() or {}).get("result") or {}
        return Health(ok=True, detail=_("Signed in as @%(name)s") % {"name": me.get("username", "?")})


def _account(outbound: OutboundMessage) -> ChannelAccount:
    account = outbound.account
    if account is None or not account.token:
        raise TransportError(_("The Telegram account or its bot token is missing."), permanent=True)
    return account


def _method_url(account: ChannelAccount, method: str) -> str:
    base = str(account.options.get("api_base") or API_BASE).rstrip("/")
    return f"{base}/bot{account.token}/{method}"


def _with_retry_after(exc: HttpError) -> HttpError:
    """Telegram says how long to wait in its JSON answer (``parameters.retry_after``), not only in a header."""
    if exc.status == 429 and exc.retry_after is None:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            exc.retry_after = float(json.loads(exc.body)["parameters"]["retry_after"])
    return exc


def _digest(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw).hexdigest()


register(TelegramTransport())
