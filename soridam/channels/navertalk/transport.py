"""Naver TalkTalk chatbot API (kind ``navertalk``, channels.md §6).

In: TalkTalk POSTs one event per call to ``/hooks/navertalk/<account>/``. There is no signature: the slug is
the secret, calls must come from the published range (``SORIDAM_NAVERTALK_SOURCES``, default
117.52.141.192/27; ``REMOTE_ADDR`` as the proxy in front of us sets it) and name the account's ``partner``.
``send`` with text becomes a case message and the bot answers; its hand-over passes the conversation to the
partner centre (``tasks.pass_thread``); while a person there owns it, messages come with ``standby`` and
only get stored; the partner centre's ``handover`` back (상담 완료) gives it to the bot again. ``open`` of an
under-14 user marks them as needing guardian consent: the bot then answers only with the consent notice.
Out: ``POST /chatbot/v1/event`` with ``Authorization: <partner key>`` (the account's ``token``, no
"Bearer"); the answer's ``resultCode`` 01 (auth), 02 (JSON) and the image codes are permanent, 99 temporary.

Account options: ``partner`` (the partner id, e.g. wc1234), ``api_base`` (default
``https://gw.talk.naver.com``), ``bot`` (false: no bot answers).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from soridam.bot.contract import BotReply, Conversation
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
from soridam.channels.http import HttpError, post_json
from soridam.channels.kinds import Channel
from soridam.channels.messaging import Inbound, take_in
from soridam.channels.models import ChannelAccount, ChannelMessage, MessengerThread, RawPayload
from soridam.channels.navertalk import parse
from soridam.channels.navertalk.models import NaverTalkUser
from soridam.lib.jobs import enqueue_job_on_commit
from soridam.notifications.models import OutboundMessage

API_BASE = "https://gw.talk.naver.com"
MAX_TEXT = 10_000  # characters in one text message (channels.md §6)
TEMPORARY_CODES = {"99"}
_IGNORED = {
    "leave": "the user left the chat window",
    "friend": "the user added or removed the account as a friend",
    "echo": "a copy of what the partner or the bot sent",
}


class NaverTalkTransport(Transport):
    kind = Channel.NAVER
    webhook = True

    def external_id(self, raw: bytes) -> str:
        return parse.dedupe_id(raw)

    def same_content(self, stored: bytes, raw: bytes) -> bool:
        first, again = parse.read(stored), parse.read(raw)
        return first is not None and again is not None and first.fingerprint == again.fingerprint

    def authenticate(self, request: HttpRequest, raw: bytes, account: ChannelAccount) -> None:
        if not _allowed_source(request.META.get("REMOTE_ADDR", "")):
            raise Unauthorized("the call does not come from Naver TalkTalk's published addresses", status=403)
        named, expected = parse.partner_of(raw), str(account.options.get("partner") or "")
        if not expected:
            raise Unauthorized("the account has no partner id set", status=403)
        if named is not None and named != expected:  # TalkTalk's own samples omit it on some events
            raise Unauthorized("the event names another partner", status=403)

    def answer(self, request: HttpRequest, account: ChannelAccount, payload: RawPayload, is_new: bool) -> HttpResponse:
        event = parse.read(bytes(payload.raw))
        if event is not None and event.kind == "open" and event.options.get("under14") is True:
            # TalkTalk shows an event in the 200 answer at once: the consent notice as the user arrives.
            return JsonResponse({"event": "send", "textContent": {"text": consent_notice()}})
        return HttpResponse(status=200)

    def process(self, payload: RawPayload) -> Delivered | Ignored:
        event = parse.read(bytes(payload.raw))
        account = payload.account
        if event is None or account is None or not event.user:
            return Ignored("a TalkTalk body without an event or a user")
        if event.kind == "send":
            return _take_send(payload, account, event)
        if event.kind == "open":
            return _record_open(account, event)
        if event.kind == "handover":
            return _handed_back(account, event)
        return Ignored(f"a TalkTalk {event.kind} event: {_IGNORED.get(event.kind, 'not a message')}")

    def send(self, outbound: OutboundMessage) -> SendResult:
        account = _account(outbound)
        if len(outbound.body) > MAX_TEXT:
            raise TransportError(_("The reply is longer than TalkTalk's 10,000 characters."), permanent=True)
        body = {
            "event": "send",
            "user": outbound.recipient,
            "textContent": {"text": outbound.body},
            "options": {"notification": True},
        }
        call_event(account, body, what="send")
        return SendResult()

    def health(self, account: ChannelAccount) -> Health:
        # TalkTalk has no read-only call to try the key with; say what is missing.
        if not account.token or not account.options.get("partner"):
            return Health(ok=False, detail=_("The partner id or the partner key is missing."))
        return Health(ok=True, detail=_("Partner %(partner)s") % {"partner": account.options["partner"]})


def call_event(account: ChannelAccount, body: Mapping[str, object], *, what: str) -> None:
    """POST one event to TalkTalk; its JSON answer says whether it was taken (HTTP 200 either way)."""
    url = str(account.options.get("api_base") or API_BASE).rstrip("/") + "/chatbot/v1/event"
    try:
        answer = post_json(url, body, headers={"Authorization": account.token}, what=what)
    except HttpError as exc:
        raise TransportError(str(exc), permanent=exc.permanent, retry_after=exc.retry_after) from None
    result = answer.json() if isinstance(answer.json(), dict) else {}
    if result.get("success") is True:
        return
    code = str(result.get("resultCode") or "?")
    detail = str(result.get("resultMessage") or "")[:200]
    raise TransportError(f"{what}: TalkTalk resultCode {code} {detail}".strip(), permanent=code not in TEMPORARY_CODES)


def consent_notice() -> str:
    return _(
        "You are under 14, so we need your parent's or guardian's consent before we can ask for any personal "
        "details. Please ask them to contact us; until then we can only answer general questions."
    )


def _consent_responder(conversation: Conversation) -> BotReply:
    return BotReply(text=consent_notice(), outcome="answered", intent="guardian_consent", state=conversation.state)


def _take_send(payload: RawPayload, account: ChannelAccount, event: parse.Event) -> Delivered | Ignored:
    if not event.text.strip():
        return Ignored("a TalkTalk message without text (an image or a composite message)")
    if _seen_within_window(payload, account, event):
        return Ignored("the same TalkTalk message again within the re-delivery window")
    user = NaverTalkUser.objects.filter(account=account, user_id=event.user).first()
    minor = user is not None and user.needs_guardian_consent
    inbound = Inbound(
        event_id=f"navertalk:{event.fingerprint}:{int(payload.received_at.timestamp() * 1000)}",
        user_id=event.user,
        text=event.text,
        name=_("Naver TalkTalk customer"),  # TalkTalk gives no name; we ask for nothing
    )
    if event.standby:
        _set_bot(account, event.user, active=False)  # a person in the partner centre owns it
    taken = take_in(payload, inbound, silent=event.standby, responder=_consent_responder if minor else None)
    if taken.bot is not None and taken.bot.outcome == "handover" and taken.thread is not None:
        enqueue_job_on_commit("soridam.channels.navertalk.tasks.pass_thread", taken.thread.pk)
    return taken.outcome


def _seen_within_window(payload: RawPayload, account: ChannelAccount, event: parse.Event) -> bool:
    since = payload.received_at - timedelta(seconds=parse.DEDUPE_SECONDS)
    return ChannelMessage.objects.filter(
        payload__account=account,
        sender=event.user,
        external_id__startswith=f"navertalk:{event.fingerprint}:",
        payload__received_at__gte=since,
    ).exists()


def _record_open(account: ChannelAccount, event: parse.Event) -> Ignored:
    if event.options.get("under14") is not True:
        return Ignored("a TalkTalk open event: the user opened the chat window")
    NaverTalkUser.objects.update_or_create(account=account, user_id=event.user, defaults={"under14": True})
    return Ignored("a TalkTalk open event of a user under 14: guardian consent is needed before personal data")


def _handed_back(account: ChannelAccount, event: parse.Event) -> Ignored:
    if event.options.get("control") != "passThread":
        return Ignored(f"a TalkTalk handover event ({event.options.get('control') or 'no control'})")
    # 상담 완료 in the partner centre passes the conversation to the bot: it answers the next message.
    _set_bot(account, event.user, active=True)
    return Ignored("the partner centre passed the conversation back to the bot")


def _set_bot(account: ChannelAccount, user_id: str, *, active: bool) -> None:
    MessengerThread.objects.filter(account=account, user_id=user_id).update(bot_active=active)


def _allowed_source(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in settings.SORIDAM_NAVERTALK_SOURCES)


def _account(outbound: OutboundMessage) -> ChannelAccount:
    account = outbound.account
    if account is None or not account.token:
        raise TransportError(_("The TalkTalk account or its partner key is missing."), permanent=True)
    return account


register(NaverTalkTransport())
