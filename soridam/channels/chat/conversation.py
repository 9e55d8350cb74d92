"""One turn of a chat, run by a task after the visitor's message is stored and acknowledged.

With the bot: build the ``Conversation`` (soridam/bot/contract.py), store its reply as a bot message, and hand
the chat over to a person when it says so. After the hand-over the visitor's messages join the case.
The bot runs here, in a task worker, never in the ASGI process (it loads Kiwi and the search index).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from soridam.bot.contract import BotReply, Conversation, Turn
from soridam.bot.responder import configured_responder
from soridam.cases.chat_handover import ChatHandover, add_chat_message, open_chat_case
from soridam.cases.models import Case
from soridam.channels.chat import availability
from soridam.channels.chat.models import Author, ChatMessage, ChatSession, Handover, SessionState
from soridam.channels.chat.store import append

logger = logging.getLogger(__name__)
HISTORY_TURNS = 20


def answer_customer(message_id: int) -> str:
    """Idempotent: a message the bot already answered, or that already joined the case, is left alone."""
    message = ChatMessage.objects.select_related("session").get(pk=message_id)
    session = message.session
    if session.case_id is not None:
        return _forward_to_case(session, message)
    if ChatMessage.objects.filter(session=session, details__reply_to=message.seq).exists():
        return "done"
    responder = configured_responder()
    if responder is None:
        hand_over(session.pk, intent="", reason="no_bot")
        return "handover"
    with translation.override(session.language):
        reply = responder(_conversation(session, message))
    _store_reply(session, message, reply)
    if reply.outcome == "handover":
        hand_over(session.pk, intent=reply.intent, reason=reply.handover_reason)
    return reply.outcome


def _conversation(session: ChatSession, message: ChatMessage) -> Conversation:
    earlier = ChatMessage.objects.filter(session=session, seq__lt=message.seq, handover="").order_by("-seq")
    history = tuple(Turn(author=m.author, text=m.text) for m in reversed(earlier[:HISTORY_TURNS]))  # type: ignore[arg-type]
    return Conversation(
        text=message.text,
        history=history,
        visitor_name=session.name,
        language=session.language,
        channel="chat",
        session=str(session.public_id),
        state=session.bot_state,
    )


def _store_reply(session: ChatSession, message: ChatMessage, reply: BotReply) -> None:
    details: dict[str, Any] = {"reply_to": message.seq, "outcome": reply.outcome}
    if reply.sources:
        details["sources"] = [{"title": s.title, "url": s.url} for s in reply.sources]
    with transaction.atomic():
        append(session.pk, Author.BOT, reply.text, name=_("Bot"), details=details)
        ChatSession.objects.filter(pk=session.pk).update(bot_state=dict(reply.state), intent=reply.intent[:64])


def hand_over(session_id: int, *, intent: str, reason: str) -> Case | None:
    """The chat becomes a case: live when it is business time and an agent is online, else answered by e-mail."""
    with transaction.atomic():
        session = ChatSession.objects.select_for_update().get(pk=session_id)
        if session.case_id is not None:
            return None
        online = availability.agents_online() if availability.is_business_time() else 0
        case = open_chat_case(_handover(session, intent or session.intent, reason, live=online > 0))
        session.case, session.intent = case, (intent or session.intent)[:64]
        session.state = SessionState.WAITING if online else SessionState.OFFLINE
        session.save(update_fields=["case", "intent", "state"])
        with translation.override(session.language):
            _announce(session, case, online)
        return case


def _handover(session: ChatSession, intent: str, reason: str, *, live: bool) -> ChatHandover:
    return ChatHandover(
        session_key=str(session.public_id),
        transcript=transcript(session),
        name=session.name,
        email=session.email,
        phone=session.phone,
        language=session.language,
        intent=intent,
        reason=reason,
        live=live,
        proven_orders=_proven_orders(session.bot_state),
    )


def _proven_orders(bot_state: dict[str, Any]) -> tuple[str, ...]:
    shown = bot_state.get("orders")
    return tuple(str(number) for number in shown) if isinstance(shown, list) else ()


def transcript(session: ChatSession) -> str:
    labels: dict[str, str] = {
        Author.CUSTOMER: _("Customer"),
        Author.BOT: _("Bot"),
        Author.AGENT: _("Agent"),
        Author.SYSTEM: "-",
    }
    lines = []
    for message in ChatMessage.objects.filter(session=session).order_by("seq"):
        when = timezone.localtime(message.sent_at).strftime("%H:%M")
        lines.append(f"[{when}] {labels.get(message.author, message.author)}: {message.text}")
    return "\n".join(lines) or _("(no text)")


def _announce(session: ChatSession, case: Case, online: int) -> None:
    """The hand-over frame: the expected wait, or off hours the case number and when the e-mail answer is due."""
    details: dict[str, Any] = {"case_reference": case.reference}
    if online:
        ahead = ChatSession.objects.filter(state=SessionState.WAITING).exclude(pk=session.pk).count()
        minutes = availability.expected_wait_minutes(ahead, online)
        details["expected_wait_minutes"] = minutes
        text = _("Connecting you to a person. Expected wait: about %(minutes)d min.") % {"minutes": minutes}
        append(session.pk, Author.SYSTEM, text, handover=Handover.WAITING, details=details)
        return
    text = _offline_text(session, case, details)
    append(session.pk, Author.SYSTEM, text, handover=Handover.OFFLINE, details=details)


def _offline_text(session: ChatSession, case: Case, details: dict[str, Any]) -> str:
    if not session.email:
        return _(
            "No one can chat right now. Your case number is %(reference)s. Leave your e-mail address in a new chat "
            "and we will answer by e-mail."
        ) % {"reference": case.reference}
    due = case.sla_due_at
    details["reply_by"] = due.isoformat() if due else None
    if due is not None:
        return _("No one can chat right now. Case %(reference)s: we will answer by e-mail by %(when)s.") % {
            "reference": case.reference,
            "when": _local(due),
        }
    opens = availability.next_opening_after(timezone.now())
    details["opens_at"] = opens.isoformat()
    return _("No one can chat right now. Case %(reference)s: we will answer by e-mail once we open, %(when)s.") % {
        "reference": case.reference,
        "when": _local(opens),
    }


def _local(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _forward_to_case(session: ChatSession, message: ChatMessage) -> str:
    """The visitor's message joins the case, once: the message remembers the case message it became."""
    if message.author != Author.CUSTOMER or session.case_id is None or "case_message" in message.details:
        return "skipped"
    if message.seq <= _handover_seq(session):
        return "in transcript"  # written before the hand-over: the transcript already has it
    with transaction.atomic():
        joined = add_chat_message(
            session.case_id, message.text, name=session.name, email=session.email, phone=session.phone
        )
        ChatMessage.objects.filter(pk=message.pk).update(details={**message.details, "case_message": joined.pk})
        if joined.case_id != session.case_id:  # a finished case: the message opened a follow-up
            ChatSession.objects.filter(pk=session.pk).update(case_id=joined.case_id)
    return "joined case"


def _handover_seq(session: ChatSession) -> int:
    first = ChatMessage.objects.filter(session=session).exclude(handover="").order_by("seq").first()
    return first.seq if first is not None else session.last_seq
