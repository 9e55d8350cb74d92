"""Meta: WhatsApp Cloud API (kind ``whatsapp``), Messenger (``messenger``) and Instagram (``instagram``),
channels.md §5. One class holds what the three share; each kind adds its send request.

In: Meta POSTs to ``/hooks/<kind>/<account>/`` with ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret,
raw body)>``; the app secret is the account's ``secret``. The subscription handshake is a ``GET`` on the same
URL with ``hub.verify_token``, which must equal the account option ``verify_token``. A body may batch several
messages (``parse``): each is taken in under its own ``wamid``/``mid``, in the order of their timestamps, and
WhatsApp ``statuses`` move the outbox row sent under that ``wamid`` (``delivery.record_status``).

Out: the account's ``token`` (a system-user token for WhatsApp, the page token for Messenger and Instagram)
as ``Authorization: Bearer``, never in a URL. WhatsApp: ``POST {api_base}/{version}/{phone_number_id}/messages``;
Messenger and Instagram: ``POST {api_base}/{version}/me/messages``. The Graph version is pinned in settings
(``SORIDAM_META_GRAPH_VERSION``). Free text only inside the customer's window (``window``); a WhatsApp row
written as a template (``TemplateSend``) goes out as that template.

Account options: ``verify_token`` (the GET handshake), ``phone_number_id`` (WhatsApp: required to send; also
keeps another number's events out), ``page_id`` (Messenger/Instagram: optional, keeps other pages' events out),
``api_base`` (default ``https://graph.facebook.com``; ``https://graph.instagram.com`` for Instagram Login apps;
a local fake server in tests), ``graph_version`` (overrides the setting), ``bot`` (false: no bot answers).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
from typing import Any, ClassVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
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
from soridam.channels.messaging import take_in, thread_of
from soridam.channels.meta import parse
from soridam.channels.meta.models import TemplateSend
from soridam.channels.meta.window import Permission, free_text
from soridam.channels.models import ChannelAccount, RawPayload
from soridam.notifications.delivery import record_status
from soridam.notifications.models import NotificationKind, OutboundMessage

API_BASE = "https://graph.facebook.com"
# Graph error codes that mean "slow down" or "try later", whatever the HTTP status: the row is retried.
# 1, 2: unknown/service errors; 4, 17, 32, 613: API call limits; 80007: Messenger/Instagram rate limit;
# 130429: WhatsApp throughput; 131048: spam rate limit; 131056: too many messages to one customer.
TEMPORARY_CODES = frozenset({1, 2, 4, 17, 32, 613, 80007, 130429, 131048, 131056})


class MetaTransport(Transport):
    webhook = True
    max_text: ClassVar[int]
    what: ClassVar[str]  # the operation named in error texts

    def external_id(self, raw: bytes) -> str:
        return parse.payload_id(self.kind, raw)

    def authenticate(self, request: HttpRequest, raw: bytes, account: ChannelAccount) -> None:
        secret = account.secret.encode()
        given = request.headers.get("X-Hub-Signature-256", "").strip().lower().encode()
        if not secret:
            raise Unauthorized("the account has no app secret set", status=403)
        if not given:
            raise Unauthorized("missing X-Hub-Signature-256", status=401)
        expected = b"sha256=" + hmac.new(secret, raw, hashlib.sha256).hexdigest().encode()
        if not hmac.compare_digest(given, expected):
            raise Unauthorized("X-Hub-Signature-256 does not match the body", status=403)

    def challenge(self, request: HttpRequest, account: ChannelAccount) -> HttpResponse:
        """Meta's subscription handshake: the bare ``hub.challenge`` back when the verify token matches."""
        expected = str(account.options.get("verify_token") or "").encode()
        given = request.GET.get("hub.verify_token", "").encode()
        challenge = request.GET.get("hub.challenge", "")
        if request.GET.get("hub.mode") != "subscribe" or not expected or not hmac.compare_digest(given, expected):
            return HttpResponse(status=403)
        if not challenge or len(challenge) > 256:
            return HttpResponse(status=400)
        return HttpResponse(challenge, content_type="text/plain; charset=utf-8")

    def process(self, payload: RawPayload) -> Delivered | Ignored:
        options = payload.account.options if payload.account is not None else {}
        batch = parse.read(self.kind, bytes(payload.raw), options)
        last: Delivered | Ignored | None = None
        notes = list(batch.skipped)
        for event in batch.events:
            if isinstance(event, parse.Status):
                changed = record_status(self.kind, event.message_id, event.state, reason=event.reason)
                notes.append(f"status {event.state}: {changed} row(s)")
                continue
            outcome = take_in(payload, event.inbound).outcome
            if isinstance(outcome, Delivered) or last is None:
                last = outcome
        if isinstance(last, Delivered):
            return last
        return Ignored("; ".join(notes) or (last.reason if last else "an empty Meta payload"))

    def send(self, outbound: OutboundMessage) -> SendResult:
        account = _account(outbound)
        template = TemplateSend.objects.select_related("template").filter(outbound_id=outbound.pk).first()
        if template is not None:
            body = self.template_body(outbound, template)
        else:
            body = self.text_body(outbound, self._permission(outbound))
        try:
            answer = post_json(
                self.messages_url(account),
                body,
                headers={"Authorization": f"Bearer {account.token}"},
                what=self.what,
            )
        except HttpError as exc:
            raise _graph_error(exc) from None
        return SendResult(external_id=self.sent_id(answer.json()))

    def _permission(self, outbound: OutboundMessage) -> Permission:
        if len(outbound.body) > self.max_text:
            raise TransportError(self.too_long(), permanent=True)
        thread = thread_of(outbound.account_id, outbound.recipient)
        by_person = (
            outbound.kind == NotificationKind.AGENT_REPLY
            and outbound.message is not None
            and outbound.message.author_user_id is not None
        )
        permission = free_text(self.kind, thread.last_inbound_at if thread else None, by_person=by_person)
        if not permission.allowed:
            raise TransportError(permission.reason, permanent=True)
        return permission

    def graph_url(self, account: ChannelAccount, path: str) -> str:
        base = str(account.options.get("api_base") or API_BASE).rstrip("/")
        version = str(account.options.get("graph_version") or settings.SORIDAM_META_GRAPH_VERSION)
        return f"{base}/{version}/{path}"

    def messages_url(self, account: ChannelAccount) -> str:
        return self.graph_url(account, "me/messages")

    def text_body(self, outbound: OutboundMessage, permission: Permission) -> dict[str, Any]:
        body: dict[str, Any] = {"recipient": {"id": outbound.recipient}, "messaging_type": "RESPONSE"}
        if permission.tag_human_agent:  # a person's reply 24 h to 7 days after the customer's last message
            body.update(messaging_type="MESSAGE_TAG", tag="HUMAN_AGENT")
        body["message"] = {"text": outbound.body}
        return body

    def template_body(self, outbound: OutboundMessage, send: TemplateSend) -> dict[str, Any]:
        raise TransportError(_("Templates can only be sent on WhatsApp."), permanent=True)

    def sent_id(self, answer: Any) -> str:
        return str(answer.get("message_id") or "") if isinstance(answer, dict) else ""

    def too_long(self) -> str:
        return _("The reply is longer than %(channel)s allows (%(limit)s characters).") % {
            "channel": dict(Channel.choices)[self.kind],
            "limit": self.max_text,
        }

    def health(self, account: ChannelAccount) -> Health:
        try:
            answer = call(
                "GET",
                self.graph_url(account, self.health_path(account)),
                headers={"Authorization": f"Bearer {account.token}"},
                what=f"{self.what} health",
                timeout=10,
            )
        except TransportError as exc:
            return Health(ok=False, detail=str(exc))
        found = answer.json() if isinstance(answer.json(), dict) else {}
        return Health(ok=True, detail=_("Connected as %(name)s") % {"name": found.get("name") or found.get("id", "?")})

    def health_path(self, account: ChannelAccount) -> str:
        return "me"


class WhatsAppTransport(MetaTransport):
    kind = Channel.WHATSAPP
    max_text = 4096
    what = "WhatsApp messages"

    def messages_url(self, account: ChannelAccount) -> str:
        return self.graph_url(account, f"{_phone_number_id(account)}/messages")

    def text_body(self, outbound: OutboundMessage, permission: Permission) -> dict[str, Any]:
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": outbound.recipient,
            "type": "text",
            "text": {"preview_url": False, "body": outbound.body},
        }

    def template_body(self, outbound: OutboundMessage, send: TemplateSend) -> dict[str, Any]:
        template: dict[str, Any] = {"name": send.template.name, "language": {"code": send.template.language}}
        if send.parameters:
            parameters = [{"type": "text", "text": str(value)} for value in send.parameters]
            template["components"] = [{"type": "body", "parameters": parameters}]
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": outbound.recipient,
            "type": "template",
            "template": template,
        }

    def sent_id(self, answer: Any) -> str:
        messages = answer.get("messages") if isinstance(answer, dict) else None
        first = messages[0] if isinstance(messages, list) and messages else {}
        return str(first.get("id") or "") if isinstance(first, dict) else ""

    def health_path(self, account: ChannelAccount) -> str:
        return _phone_number_id(account)


class MessengerTransport(MetaTransport):
    kind = Channel.MESSENGER
    max_text = 2000
    what = "Messenger Send API"


class InstagramTransport(MetaTransport):
    kind = Channel.INSTAGRAM
    max_text = 1000  # Instagram counts UTF-8 bytes (channels.md §5 [M]); checked as characters and bytes
    what = "Instagram Send API"

    def _permission(self, outbound: OutboundMessage) -> Permission:
        if len(outbound.body.encode()) > self.max_text:
            raise TransportError(self.too_long(), permanent=True)
        return super()._permission(outbound)


def _account(outbound: OutboundMessage) -> ChannelAccount:
    account = outbound.account
    if account is None or not account.token:
        raise TransportError(_("The Meta account or its access token is missing."), permanent=True)
    return account


def _phone_number_id(account: ChannelAccount) -> str:
    number = str(account.options.get("phone_number_id") or "")
    if not number.isdigit():
        raise TransportError(_("The WhatsApp account has no phone_number_id option."), permanent=True)
    return number


def _graph_error(exc: HttpError) -> HttpError:
    """Graph's error body says more than the status: its code, message and details. Throttling codes are
    retried even when they come as a 400; the text names the code for the agent (never the URL or token)."""
    error: dict[str, Any] = {}
    with contextlib.suppress(ValueError, AttributeError):
        found = json.loads(exc.body).get("error")
        error = found if isinstance(found, dict) else {}
    code = error.get("code")
    if not error:
        return exc
    details = (error.get("error_data") or {}).get("details") if isinstance(error.get("error_data"), dict) else ""
    message = " ".join(str(part) for part in (error.get("message"), details) if part)[:300]
    temporary = not exc.permanent or (isinstance(code, int) and code in TEMPORARY_CODES)
    text = f"{str(exc).split(':', 1)[0]}: HTTP {exc.status} (code {code}) {message}".strip()
    return HttpError(text, status=exc.status, body=exc.body, permanent=not temporary, retry_after=exc.retry_after)


register(WhatsAppTransport())
register(MessengerTransport())
register(InstagramTransport())
