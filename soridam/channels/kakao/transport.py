"""KakaoTalk (kind ``kakao``, channels.md §2): the Open Builder skill server in, 상담톡 through a dealer out.

In: Kakao POSTs each user utterance (a SkillPayload) to ``/hooks/kakao/<account>/`` and shows our JSON answer,
waiting 5 s. There is no signature: the slug is the secret (make it unguessable), ``bot.id`` must be the
account's ``bot_id`` option (403 otherwise, nothing stored), and calls are rate limited per account
(``RATE_LIMIT_KAKAO_SKILL`` a minute; 429). The bot answers the call inline (``skill``) before it becomes a case
message: the processing, queued past the deadline, stores it on the case with the answer as it was given. The user's
botUserKey is the thread's user id and the customer's identity; ``plusfriendUserKey`` and ``appUserId`` become
more identities of the same customer (``plusfriend:<key>``, ``app:<id>``), and the plusfriendUserKey is kept on
the thread for the dealer.

Out: an agent's reply goes through the account's 상담톡 dealer (``dealer``); without one it fails at once,
with the reason on the case.
"""

from __future__ import annotations

import hmac
import json
from datetime import timedelta

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from soridam.cases.models import Message, MessageKind
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
from soridam.channels.kakao import parse, skill
from soridam.channels.kakao.dealer import MAX_TEXT, configured_dealer
from soridam.channels.kakao.models import SkillCall
from soridam.channels.kakao_alimtalk.models import ALIMTALK_ACCOUNT
from soridam.channels.kakao_alimtalk.sender import send_outbound
from soridam.channels.kinds import Channel
from soridam.channels.messaging import TakenIn, replaying, take_in, thread_of
from soridam.channels.models import ChannelAccount, RawPayload
from soridam.customers.models import Identity
from soridam.lib.ratelimit import RateLimited, check_rate
from soridam.notifications.models import OutboundMessage


class KakaoTransport(Transport):
    kind = Channel.KAKAO
    webhook = True
    max_body = 256_000  # a SkillPayload is a few kilobytes

    def external_id(self, raw: bytes) -> str:
        return parse.call_id(raw)

    def authenticate(self, request: HttpRequest, raw: bytes, account: ChannelAccount) -> None:
        expected = str(account.options.get("bot_id") or "")
        if not expected:
            raise Unauthorized("the account has no bot_id option", status=403)
        if _is_json_object(raw) and not hmac.compare_digest(parse.bot_id(raw).encode(), expected.encode()):
            raise Unauthorized("the payload's bot.id is not the account's bot", status=403)
        try:
            check_rate("kakao_skill", str(account.pk))
        except RateLimited:
            raise Unauthorized("too many skill calls for this account", status=429) from None

    def process_delay(self) -> timedelta:
        return skill.safety_net_delay()

    def answer(self, request: HttpRequest, account: ChannelAccount, payload: RawPayload, is_new: bool) -> HttpResponse:
        if not is_new:
            return JsonResponse(skill.stored_answer(payload))
        return JsonResponse(skill.answer_in_time(account, payload, parse.read(bytes(payload.raw))))

    def process(self, payload: RawPayload) -> Delivered | Ignored:
        """The call onto its case, with the answer the customer was given (``skill``); a call nobody answered
        (its request's process died) is answered here."""
        request = parse.read(bytes(payload.raw))
        if not request.utterance.strip():
            return Ignored("a skill call without an utterance")
        call = SkillCall.objects.filter(payload=payload).first()
        given = skill.given_reply(call) if call is not None else None
        responder = replaying(given) if given is not None else None
        inbound = parse.inbound(request, payload.external_id)
        taken = take_in(payload, inbound, answer_inline=True, responder=responder)
        if isinstance(taken.outcome, Delivered) and taken.thread is not None:
            _add_identities(taken.thread.customer_id, request)
            _record_call(payload, request, taken)
        return taken.outcome

    def send(self, outbound: OutboundMessage) -> SendResult:
        account = outbound.account
        if account is not None and account.kind == ALIMTALK_ACCOUNT:
            return send_outbound(outbound)  # a notice by AlimTalk (notifications.outbox.alimtalk_route)
        dealer = configured_dealer(account) if account is not None else None
        if account is None or dealer is None:
            raise TransportError(_("KakaoTalk needs a 상담톡 dealer to send an agent's reply."), permanent=True)
        if len(outbound.body) > MAX_TEXT:
            raise TransportError(_("The reply is longer than KakaoTalk's 1,000 characters."), permanent=True)
        thread = thread_of(account.pk, outbound.recipient)
        user_key = str((thread.reply_context if thread else {}).get("plusfriend_user_key") or "")
        if not user_key:
            raise TransportError(_("KakaoTalk gave no channel user key for this customer."), permanent=True)
        serial_number = f"soridam-{outbound.pk}"  # the same on every retry of this row: the dealer drops repeats
        dealer.send_text(user_key=user_key, text=outbound.body, serial_number=serial_number)
        return SendResult(external_id=serial_number)

    def health(self, account: ChannelAccount) -> Health:
        if not account.options.get("bot_id"):
            return Health(ok=False, detail=_("Set the account's bot_id option to the Open Builder bot id."))
        dealer = configured_dealer(account)
        if dealer is None:
            return Health(ok=True, detail=_("Skill server ready; agents cannot reply without a 상담톡 dealer."))
        return Health(
            ok=True, detail=_("Skill server ready; agents reply through %(dealer)s.") % {"dealer": dealer.name}
        )


def _is_json_object(raw: bytes) -> bool:
    try:
        return isinstance(json.loads(raw), dict)
    except (ValueError, RecursionError):
        return False  # the webhook door answers 400


def _add_identities(customer_id: int, request: parse.SkillRequest) -> None:
    """The channel-wide and app-wide keys of the user, on the customer (an id taken by another customer is
    left with them: linking two customers is a person's decision)."""
    keys = [("plusfriend", request.plusfriend_user_key), ("app", request.app_user_id)]
    for prefix, key in keys:
        if key:
            external_id = f"{prefix}:{key}"[:255]
            Identity.objects.get_or_create(
                **Identity.match(Channel.KAKAO, external_id),
                defaults={"external_id": external_id, "customer_id": customer_id, "verified": True},
            )


def _record_call(payload: RawPayload, request: parse.SkillRequest, taken: TakenIn) -> None:
    assert isinstance(taken.outcome, Delivered)  # noqa: S101 - checked by the caller
    message = taken.outcome.message
    answer = None
    if taken.bot is not None:
        answer = (
            Message.objects.filter(
                case_id=message.case_id, kind=MessageKind.REPLY, author_user__isnull=True, pk__gt=message.pk
            )
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
    skill.record_call(payload, request, answer, taken.bot, message.case.language)


register(KakaoTransport())
