"""Storing chat messages: one place allocates ``seq`` and de-duplicates by ``client_id``.

Every writer (the socket, the polling fallback, the bot's task, the chat transport) comes through here,
so a message is in the database, with its ``seq``, before anything acknowledges or shows it.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from soridam.channels.chat.models import Author, ChatMessage, ChatSession
from soridam.lib.jobs import batched, enqueue_job_on_commit
from soridam.lib.ratelimit import RateLimited

# Above this module (it calls the bot and the case actions): named, not imported (lib.jobs).
ANSWER_TASK = "soridam.channels.chat.tasks.answer_customer"
# A session's messages are limited per window of this length, from its first message after the last window
# (``SORIDAM_RATE_LIMITS["chat_message"]``: RATE_LIMIT_CHAT_MESSAGES).
RATE_WINDOW = timedelta(seconds=60)
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


@dataclass(frozen=True)
class Inbound:
    """A visitor's message as a socket or the polling API got it, before any check."""

    session_id: int
    client_id: object
    text: object


def receive(session_id: int, client_id: object, text: object) -> Stored:
    """A visitor's message as the socket or the polling API got it: rate limited per session (``RateLimited``),
    checked (``BadMessage``), then stored."""
    outcome = receive_many([Inbound(session_id, client_id, text)])[0]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def receive_many(inbound: Sequence[Inbound]) -> list[Stored | Exception]:
    """``receive`` for messages of many sessions at once (the ASGI process's group commit, ``inbox.py``): one
    transaction and one commit for all of them. Each gets its ``Stored``, or the exception ``receive`` would
    raise for it alone (``RateLimited``, ``BadMessage``, or the database's refusal of that one message)."""
    outcomes: dict[int, Stored | Exception] = {}
    accepted: list[tuple[int, _Checked]] = []
    for index, item in enumerate(inbound):
        try:
            accepted.append((index, _Checked(item.session_id, parse_client_id(item.client_id), clean_text(item.text))))
        except BadMessage as exc:
            outcomes[index] = exc
    limit = settings.SORIDAM_RATE_LIMITS["chat_message"]
    try:
        with transaction.atomic():
            for (index, _checked), outcome in zip(
                accepted, _store_many([c for _i, c in accepted], limit, savepoint=False), strict=True
            ):
                outcomes[index] = outcome
    except (DatabaseError, ChatSession.DoesNotExist) as exc:
        if len(accepted) == 1:
            outcomes[accepted[0][0]] = exc
        else:  # one message the database refuses (a NUL in its text) must not fail the others: each on its own
            for index, checked in accepted:
                outcomes[index] = _store_alone(checked, limit)
    return [outcomes[index] for index in range(len(inbound))]


@dataclass(frozen=True)
class _Checked:
    session_id: int
    client_id: uuid.UUID
    text: str


def _store_alone(checked: _Checked, limit: int) -> Stored | Exception:
    try:
        return _store_many([checked], limit)[0]
    except (DatabaseError, ChatSession.DoesNotExist) as exc:
        return exc


def store_customer_message(session_id: int, client_id: uuid.UUID, text: str) -> Stored:
    """Store the visitor's message once per ``client_id`` (no rate limit) and have the bot (or the case) take
    it after commit."""
    stored = _store_many([_Checked(session_id, client_id, text)], None)[0]
    assert isinstance(stored, Stored)  # noqa: S101 - without a limit nothing is refused
    return stored


@dataclass
class _Locked:
    """What a batch needs of a locked session: a tuple's worth, not a model instance (``_lock``)."""

    pk: int
    last_seq: int
    name: str
    rate_window_start: datetime | None
    rate_count: int


_LOCK_COLUMNS = ("pk", "last_seq", "name", "rate_window_start", "rate_count")
# On PostgreSQL the ids go as one array: the statement's text is the same whatever the batch's size (prepared
# once). Django's ``IN (%s, %s, …)`` of a thousand ids was parsed and adapted anew for every batch.
_LOCK_PG = """
    SELECT id, last_seq, name, rate_window_start, rate_count FROM chat_chatsession
    WHERE id = ANY(%s::bigint[]) ORDER BY id FOR UPDATE"""
_RESENDS_PG = """
    SELECT m.id FROM unnest(%s::bigint[], %s::uuid[]) AS k(session_id, client_id)
    JOIN chat_chatmessage m ON m.session_id = k.session_id AND m.client_id = k.client_id"""


def _lock(session_ids: list[int]) -> dict[int, _Locked]:
    """The sessions locked in id order (as any other writer locks one)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_LOCK_PG, [session_ids])
            rows = cursor.fetchall()
    else:
        locked = ChatSession.objects.select_for_update().filter(pk__in=session_ids).order_by("pk")
        rows = list(locked.values_list(*_LOCK_COLUMNS))
    return {row[0]: _Locked(*row) for row in rows}


def _resends(messages: Sequence[_Checked], session_ids: list[int]) -> list[ChatMessage]:
    """The messages already stored with one of these ``(session, client_id)``."""
    if connection.vendor == "postgresql":
        # Most batches hold no resend: their ids are looked up by a plain cursor, the rows read only when found.
        with connection.cursor() as cursor:
            cursor.execute(_RESENDS_PG, [[m.session_id for m in messages], [m.client_id for m in messages]])
            found = [pk for (pk,) in cursor.fetchall()]
        return list(ChatMessage.objects.filter(pk__in=found)) if found else []
    return list(ChatMessage.objects.filter(session_id__in=session_ids, client_id__in={m.client_id for m in messages}))


def _take_hit(session: _Locked, now: datetime, limit: int) -> RateLimited | None:
    """Count one message against the session's window (the row is locked); RateLimited when it is spent."""
    if session.rate_window_start is None or now - session.rate_window_start >= RATE_WINDOW:
        session.rate_window_start, session.rate_count = now, 0
    if session.rate_count >= limit:
        left = session.rate_window_start + RATE_WINDOW - now
        return RateLimited(max(1, math.ceil(left.total_seconds())))
    session.rate_count += 1
    return None


def _store_many(messages: Sequence[_Checked], limit: int | None, *, savepoint: bool = True) -> list[Stored | Exception]:
    """Each message once per ``(session, client_id)`` with the next seq of its session, in one transaction:
    the sessions locked in id order (as any other writer locks one), one SELECT for the resends, one INSERT,
    one UPDATE of the sessions' ``last_seq`` and rate counts, one INSERT of the bot's (or the case's) task
    rows. ``limit``: messages a session may send per ``RATE_WINDOW`` (each one counts, resends too); over it
    the message gets ``RateLimited``. ``savepoint=False`` inside ``receive_many``'s own transaction, which
    nothing between catches an error in (a savepoint was two more round trips a group commit); a message stored
    alone keeps one, so that its error never breaks a transaction around it."""
    if not messages:
        return []
    session_ids = sorted({m.session_id for m in messages})
    now = timezone.now()
    with transaction.atomic(savepoint=savepoint), batched():
        sessions = _lock(session_ids)
        if len(sessions) != len(session_ids):
            raise ChatSession.DoesNotExist("a chat session is gone")
        by_client_id = {(m.session_id, m.client_id): m for m in _resends(messages, session_ids)}
        results: list[Stored | Exception] = []
        new = []
        for item in messages:
            session = sessions[item.session_id]
            refused = None if limit is None else _take_hit(session, now, limit)
            message = by_client_id.get((item.session_id, item.client_id))
            if refused is not None:
                results.append(refused)
            elif message is None:
                session.last_seq += 1
                message = ChatMessage(
                    session_id=session.pk,
                    seq=session.last_seq,
                    author=Author.CUSTOMER,
                    text=item.text,
                    name=session.name,
                    client_id=item.client_id,
                )
                by_client_id[(item.session_id, item.client_id)] = message
                new.append(message)
                results.append(Stored(message, created=True))
            else:  # a resend: answered with the seq it was stored with
                results.append(Stored(message, created=False))
        _insert(new)
        _save_sessions(list(sessions.values()))
        for message in new:
            enqueue_job_on_commit(ANSWER_TASK, message.pk)
    return results


# On PostgreSQL a batch's rows go as one array per column: the statement's text is the same whatever the
# batch's size, so it is prepared once (settings: server_side_binding), and no per-field ORM work is paid.
_INSERT_PG = """
    INSERT INTO chat_chatmessage (session_id, seq, client_id, author, name, text, handover, details, sent_at)
    SELECT session_id, seq, client_id, %s, name, text, '', '{}'::jsonb, %s
    FROM unnest(%s::bigint[], %s::integer[], %s::uuid[], %s::text[], %s::text[])
        AS m(session_id, seq, client_id, name, text)
    RETURNING id, session_id, seq"""
_SESSIONS_PG = """
    UPDATE chat_chatsession SET last_seq = v.seq, rate_window_start = v.rate_window_start, rate_count = v.rate_count
    FROM unnest(%s::bigint[], %s::integer[], %s::timestamptz[], %s::integer[])
        AS v(id, seq, rate_window_start, rate_count)
    WHERE chat_chatsession.id = v.id"""


def _insert(messages: list[ChatMessage]) -> None:
    """``bulk_create`` (ids set) for the visitors' new messages, all with the same ``sent_at``."""
    if not messages or connection.vendor != "postgresql":
        ChatMessage.objects.bulk_create(messages)
        return
    now = timezone.now()
    columns = ([m.session_id for m in messages], [m.seq for m in messages], [m.client_id for m in messages])
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_PG, [Author.CUSTOMER, now, *columns, [m.name for m in messages], [m.text for m in messages]]
        )
        ids = {(session_id, seq): pk for pk, session_id, seq in cursor.fetchall()}
    for message in messages:
        message.pk, message.sent_at = ids[(message.session_id, message.seq)], now
        message._state.adding = False


def _save_sessions(sessions: list[_Locked]) -> None:
    """The locked sessions' ``last_seq`` and rate counts in one statement; ``bulk_update``'s CASE WHEN cost
    more Python than the rest of a batch."""
    columns: list[list[Any]] = [
        [s.pk for s in sessions],
        [s.last_seq for s in sessions],
        [s.rate_window_start for s in sessions],
        [s.rate_count for s in sessions],
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_SESSIONS_PG, columns)
            return
        table = connection.ops.quote_name(ChatSession._meta.db_table)
        field = ChatSession._meta.get_field("rate_window_start")
        cursor.executemany(
            f"UPDATE {table} SET last_seq = %s, rate_window_start = %s, rate_count = %s WHERE id = %s",  # noqa: S608
            [
                (seq, field.get_db_prep_save(start, connection), count, pk)
                for pk, seq, start, count in zip(*columns, strict=True)
            ],
        )


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


# One ask a row of the arrays; each ask's own frames, at most TRANSCRIPT_LIMIT, in seq order. The statement's text
# is the same whatever the number of asks (prepared once), and no ORM filter is built per ask.
_TRANSCRIPTS_PG = """
    SELECT m.*, a.ask FROM unnest(%s::bigint[], %s::integer[]) WITH ORDINALITY AS a(session_id, after, ask)
    CROSS JOIN LATERAL (
        SELECT * FROM chat_chatmessage WHERE session_id = a.session_id AND seq > a.after ORDER BY seq LIMIT %s
    ) AS m
    ORDER BY a.ask, m.seq"""


def transcripts(asks: Sequence[tuple[int, int]]) -> list[list[ChatMessage]]:
    """``messages_after(session_id, after)`` for each ask, with one query (the sockets resuming at once).

    On PostgreSQL the asks go as two arrays: a thousand sockets resuming at once cost 150-240 us of CPU each when
    the query was an ORM filter of a thousand ``OR``-ed conditions (bench/README.md, "live chat, a cheap
    reconnect"), mostly building and compiling that filter."""
    if len(asks) == 1:
        return [messages_after(*asks[0])]
    if connection.vendor == "postgresql":
        found: list[list[ChatMessage]] = [[] for _ask in asks]
        columns = [[session_id for session_id, _after in asks], [after for _session_id, after in asks]]
        for message in ChatMessage.objects.raw(_TRANSCRIPTS_PG, [*columns, TRANSCRIPT_LIMIT]):
            found[vars(message)["ask"] - 1].append(message)  # the annotation column: one list per ask
        return found
    wanted = Q()
    for session_id, after in set(asks):
        wanted |= Q(session_id=session_id, seq__gt=after)
    by_session: dict[int, list[ChatMessage]] = {}
    for message in ChatMessage.objects.filter(wanted).order_by("session_id", "seq"):
        by_session.setdefault(message.session_id, []).append(message)
    return [
        [m for m in by_session.get(session_id, []) if m.seq > after][:TRANSCRIPT_LIMIT] for session_id, after in asks
    ]


def frame(message: ChatMessage) -> dict[str, Any]:
    """The protocol frame of a stored message: ``message``, or ``handover`` for a hand-over notice."""
    base: dict[str, Any] = {"seq": message.seq, "text": message.text, "sent_at": message.sent_at.isoformat()}
    if message.handover:
        return {"type": "handover", "state": message.handover, **base, **message.details}
    return {"type": "message", "author": message.author, "name": message.name, **base, **message.details}
