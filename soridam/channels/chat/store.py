"""Storing chat messages: one place allocates ``seq`` and de-duplicates by ``client_id``.

Every writer (the socket, the polling fallback, the bot's task, the chat transport) comes through here,
so a message is in the database, with its ``seq``, before anything acknowledges or shows it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from soridam.channels.chat.models import Author, ChatMessage, ChatSession
from soridam.lib.jobs import enqueue_job_on_commit
from soridam.lib.ratelimit import check_rate

# Above this module (it calls the bot and the case actions): named, not imported (lib.jobs).
ANSWER_TASK = "soridam.channels.chat.tasks.answer_customer"
TRANSCRIPT_LIMIT = 500  # frames per resume or poll; the widget asks again from the last seq it got


class BadMessage(ValueError):
    """The frame cannot be stored (no text, too long, no client id); the client is told, nothing is stored."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Stored:
    message: ChatMessage
    created: bool  # False: a resend of a message already stored (same client_id), answered with its seq


@dataclass(frozen=True)
class Visitor:
    name: str = ""
    email: str = ""
    phone: str = ""
    language: str = "ko"


def open_session(visitor: Visitor, origin: str) -> ChatSession:
    now = timezone.now()
    return ChatSession.objects.create(
        name=visitor.name[:120],
        email=visitor.email[:254],
        phone=visitor.phone[:32],
        language=visitor.language if visitor.language in ("ko", "en") else "ko",
        origin=origin[:255],
        created_at=now,
        expires_at=now + timedelta(seconds=settings.SORIDAM_CHAT_SESSION_SECONDS),
    )


def clean_text(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise BadMessage("empty", _("The message has no text."))
    if len(text) > settings.SORIDAM_CHAT_MAX_TEXT:
        raise BadMessage("too_long", _("The message is too long."))
    return text.strip()


def parse_client_id(value: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise BadMessage("bad_client_id", _("client_id must be a UUID.")) from None


def receive(session_id: int, client_id: object, text: object) -> Stored:
    """A visitor's message as the socket or the polling API got it: rate limited per session (``RateLimited``),
    checked (``BadMessage``), then stored."""
    check_rate("chat_message", f"session:{session_id}")
    return store_customer_message(session_id, parse_client_id(client_id), clean_text(text))


def store_customer_message(session_id: int, client_id: uuid.UUID, text: str) -> Stored:
    """Store the visitor's message once per ``client_id`` and have the bot (or the case) take it after commit."""
    with transaction.atomic():
        session = _locked(session_id)
        existing = ChatMessage.objects.filter(session_id=session_id, client_id=client_id).first()
        if existing is not None:
            return Stored(existing, created=False)
        message = _append(session, Author.CUSTOMER, text, name=session.name, client_id=client_id)
        enqueue_job_on_commit(ANSWER_TASK, message.pk)
    return Stored(message, created=True)


def append(session_id: int, author: str, text: str, **fields: Any) -> ChatMessage:
    """A bot, agent or system message (``fields``: name, handover, details), with the next seq."""
    with transaction.atomic():
        return _append(_locked(session_id), author, text, **fields)


def _locked(session_id: int) -> ChatSession:
    # The row lock orders the seq allocation and the client_id check of concurrent writers to one session.
    return ChatSession.objects.select_for_update().get(pk=session_id)


def _append(session: ChatSession, author: str, text: str, **fields: Any) -> ChatMessage:
    session.last_seq += 1
    ChatSession.objects.filter(pk=session.pk).update(last_seq=session.last_seq)
    return ChatMessage.objects.create(session=session, seq=session.last_seq, author=author, text=text, **fields)


def messages_after(session_id: int, after: int) -> list[ChatMessage]:
    return list(ChatMessage.objects.filter(session_id=session_id, seq__gt=after).order_by("seq")[:TRANSCRIPT_LIMIT])


def frame(message: ChatMessage) -> dict[str, Any]:
    """The protocol frame of a stored message: ``message``, or ``handover`` for a hand-over notice."""
    base: dict[str, Any] = {"seq": message.seq, "text": message.text, "sent_at": message.sent_at.isoformat()}
    if message.handover:
        return {"type": "handover", "state": message.handover, **base, **message.details}
    return {"type": "message", "author": message.author, "name": message.name, **base, **message.details}
