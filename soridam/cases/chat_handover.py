"""A live chat becomes a case: the case actions for the chat channel (beside ``actions``, which is full).

The bot or the visitor asked for a person. The case gets the transcript as its first message and the bot's
hand-over note (intent, reason, identity, order numbers, and the ``bot:<reason>`` tag: ``bot_actions``); the
visitor's e-mail or phone is its customer. When the chat stays live, a chat payload and channel message name
the session, so agents' replies go back to the chat (``notifications.outbox.customer_route``); off hours they
go by e-mail, and the customer is told so.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.bot_actions import BotHandover, order_references, record_handover
from soridam.cases.models import Case, Message
from soridam.channels.kinds import Channel
from soridam.channels.models import ChannelMessage, PayloadState, RawPayload
from soridam.customers.actions import Contact
from soridam.lib.jobs import enqueue_job_on_commit
from soridam.lib.rows import insert

CHAT = Actor(system="chat")


@dataclass(frozen=True)
class ChatHandover:
    session_key: str  # the chat session's public id: the chat transport's recipient
    transcript: str
    name: str
    email: str
    phone: str
    language: str
    intent: str
    reason: str
    live: bool  # a person answers in the chat now; else the case is answered by e-mail
    proven_orders: tuple[str, ...] = ()  # order numbers the visitor proved to the bot (R-BOT-4)


def open_chat_case(handover: ChatHandover) -> Case:
    """Open the case for a chat handed over to a person, and route it when the chat stays live."""
    with transaction.atomic():
        new = actions.NewCase(
            subject=_("Live chat: %(intent)s") % {"intent": handover.intent or _("question")},
            body=handover.transcript,
            contact=_contact(handover),
            channel=Channel.CHAT,
            # Live, the visitor hears it in the chat; off hours the acknowledgement is the e-mail with the reference.
            acknowledge=not handover.live and bool(handover.email),
        )
        message = actions.receive_channel_message(new, case=None)
        case = message.case
        record_handover(case, _bot_handover(handover), actor=CHAT)
        if handover.live:
            _reply_in_chat(case, message, handover)
            enqueue_job_on_commit("soridam.routing.tasks.route_case", case.pk)
        return case


def _bot_handover(handover: ChatHandover) -> BotHandover:
    """The one hand-over note every channel writes; the transcript is already the case's first message."""
    return BotHandover(
        transcript=(),
        intent=handover.intent or "-",
        reason=handover.reason or "-",
        identity=_("unverified visitor: %(name)s") % {"name": handover.name or "-"},
        order_numbers=tuple(dict.fromkeys([*handover.proven_orders, *order_references([handover.transcript])])),
    )


def _contact(handover: ChatHandover) -> Contact:
    email = handover.email
    if not email and not handover.phone:
        # Anonymous visitor: a placeholder that is never deliverable (.invalid, RFC 2606), one per chat.
        email = f"visitor-{handover.session_key.replace('-', '')[:16]}@chat.invalid"
    return Contact(
        name=handover.name or _("Chat visitor"), email=email, phone=handover.phone, language=handover.language
    )


def _reply_in_chat(case: Case, message: Message, handover: ChatHandover) -> None:
    """Record the session as the customer's address on the chat channel: replies then go to the chat."""
    raw = json.dumps({"session": handover.session_key, "transcript": handover.transcript}, ensure_ascii=False).encode()
    payload = insert(
        RawPayload(
            kind=Channel.CHAT,
            external_id=f"handover:{handover.session_key}:{message.pk}",
            raw=raw,
            size=len(raw),
            sha256=hashlib.sha256(raw).hexdigest(),
            state=PayloadState.PROCESSED,
            processed_at=timezone.now(),
            case=case,
            message=message,
        )
    )
    insert(
        ChannelMessage(
            message=message,
            case=case,
            payload=payload,
            external_id=handover.session_key,
            sender=handover.session_key,
            full_text=handover.transcript,
        )
    )


def add_chat_message(case_id: int, text: str, *, name: str, email: str, phone: str) -> Message:
    """A message the visitor wrote in the chat after the hand-over joins the case (or its follow-up)."""
    with transaction.atomic():
        case = Case.objects.select_related("customer").get(pk=case_id)
        contact = Contact(name=name or case.customer.name, email=email or case.customer.email, phone=phone)
        new = actions.NewCase(subject=case.subject, body=text, contact=contact, channel=Channel.CHAT)
        return actions.receive_channel_message(new, case=case)
