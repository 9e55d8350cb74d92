"""The chat's sockets (protocol: README, "Live chat").

``/ws/chat/?token=…`` is the visitor's widget. Authentication happens before anything is stored: a foreign
Origin closes with 4403, a bad or expired token with 4401 (the socket is accepted first, since a close code
can only follow an accept). Each visitor message is stored (``store``) before its ack; the bot's turn runs in
a task afterwards. ``/ws/agent/?case=…`` is the case page of a signed-in agent: the live transcript, the
visitor's typing, and who else has the case open or is typing (collision). Frames are at most 8 KB of JSON.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, Protocol, TypeVar
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.http import Http404
from django.utils import timezone

from soridam.accounts.models import User
from soridam.cases.access import access_case
from soridam.channels.chat import reads, store, tokens
from soridam.channels.chat.inbox import inbox
from soridam.channels.chat.live import pusher
from soridam.channels.chat.models import ChatMessage, ChatSession
from soridam.channels.chat.origins import origin_allowed, same_site
from soridam.lib.ratelimit import RateLimited

logger = logging.getLogger(__name__)
MAX_FRAME_BYTES = 8 * 1024
CLOSE_UNAUTHORISED = 4401
CLOSE_FORBIDDEN = 4403
P = ParamSpec("P")
R = TypeVar("R")


class _Consumer(AsyncWebsocketConsumer):
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """As Channels runs a consumer, but the socket's frames are read in this task and the channel layer's
        events (typing, presence) in a second one, each dispatched as it comes. Channels waits on both with a
        new ``asyncio.wait`` and a new task after every frame: a thousand sockets at a message a second paid
        that on every frame, on the one loop that answers them all (bench/README.md, "Live chat: the
        dispatch loop"). A layer event no longer waits for a message being stored to be acknowledged."""
        layer = get_channel_layer(self.channel_layer_alias)
        if layer is None:
            await super().__call__(scope, receive, send)
            return
        self.scope, self.channel_layer, self.base_send = scope, layer, send
        self.channel_name = await layer.new_channel()
        self.channel_receive = functools.partial(layer.receive, self.channel_name)
        events = asyncio.ensure_future(self._dispatch_events())
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass
        finally:
            events.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await events

    async def _dispatch_events(self) -> None:
        try:
            while True:
                await self.dispatch(await self.channel_receive())
        except StopConsumer:
            return
        except Exception:  # the socket's own task goes on; Channels would have ended the consumer
            logger.exception("chat socket: a channel layer event failed")

    async def send_json(self, content: dict[str, Any]) -> None:
        """Straight to the server: Channels' ``send`` and its parent's only wrap the text in this dict, two more
        coroutines on every frame (an ack and an echo a message, on the one loop)."""
        await self.base_send({"type": "websocket.send", "text": json.dumps(content, ensure_ascii=False)})

    async def dispatch(self, message: dict[str, Any]) -> None:
        """As Channels dispatches, without its ``aclose_old_connections`` before every frame: that is a hop to
        the one thread ``database_sync_to_async`` runs on, so every frame of every socket queued behind the
        others' queries. The database is reached only through ``database_sync_to_async`` (``_read``) and the
        inbox's thread, which both close old connections themselves."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)


class ChatConsumer(_Consumer):
    session: ChatSession
    sent: int
    start: int
    resumed: bool
    sending: asyncio.Lock

    async def connect(self) -> None:
        await self.accept()
        if not origin_allowed(_header(self.scope, b"origin")):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        try:
            self.session = await reads.sessions.call(_query(self.scope, "token"))
        except tokens.BadToken:
            await self.close(code=CLOSE_UNAUTHORISED)
            return
        self.sent, self.sending = self.session.last_seq, asyncio.Lock()
        self.start, self.resumed = self.sent, False
        await self.channel_layer.group_add(typing_group(self.session.pk), self.channel_name)
        pusher.add(self.session.pk, self)

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "sending"):
            pusher.remove(self.session.pk, self)
            await self.channel_layer.group_discard(typing_group(self.session.pk), self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not hasattr(self, "sending"):
            return  # closing: authentication failed
        if self.session.expires_at <= timezone.now():
            await self.close(code=CLOSE_UNAUTHORISED)
            return
        data = _parse(text_data)
        if data is None:
            await self.error("bad_frame", "Frames are JSON objects of at most 8 KB.")
            return
        handler = {"message": self.on_message, "resume": self.on_resume, "typing": self.on_typing}.get(
            str(data.get("type"))
        )
        if handler is None:
            await self.error("unknown_type", "Unknown frame type.")
            return
        await handler(data)

    async def on_message(self, data: dict[str, Any]) -> None:
        try:
            stored = await inbox.receive(store.Inbound(self.session.pk, data.get("client_id"), data.get("text")))
        except store.BadMessage as exc:
            await self.error(exc.code, str(exc), client_id=data.get("client_id"))
            return
        except RateLimited as exc:
            await self.error("rate_limited", str(exc), client_id=data.get("client_id"))
            return
        message = stored.message
        await self.send_json({"type": "ack", "client_id": str(message.client_id), "seq": message.seq})
        # This socket (the echo) and every other of this chat in this process (the visitor's other tabs, the
        # agents' case pages) get it now, from the row in hand, not at the push loop's next look.
        await pusher.publish(message)

    async def offer(self, message: ChatMessage) -> None:
        await offer(self, self.session.pk, message)

    async def on_resume(self, data: dict[str, Any]) -> None:
        after = data.get("after", 0)
        if not isinstance(after, int) or after < 0:
            await self.error("bad_after", "after must be a sequence number.")
            return
        await resume(self, self.session.pk, after)

    async def on_typing(self, data: dict[str, Any]) -> None:
        event = {"type": "chat.typing", "author": "customer", "name": self.session.name, "sender": self.channel_name}
        await self.channel_layer.group_send(typing_group(self.session.pk), event)

    async def deliver(self) -> None:
        """Send every stored frame after the last one sent, in order; concurrent calls send each once."""
        await deliver(self, self.session.pk)

    async def chat_typing(self, event: dict[str, Any]) -> None:
        """Someone else in the chat is typing (the agent; the visitor's own other tabs are skipped)."""
        if event.get("author") != "customer":
            await self.send_json({"type": "typing", "author": event["author"], "name": event.get("name", "")})

    async def error(self, code: str, message: str, **extra: Any) -> None:
        await self.send_json({"type": "error", "code": code, "message": message, **extra})


def typing_group(session_id: int) -> str:
    return f"chat.{session_id}"


def case_group(case_id: int) -> str:
    return f"case.{case_id}"


class AgentConsumer(_Consumer):
    """A signed-in agent's case page. Closes 4401 without a session, 4403 from another site or for a case
    the agent may not see (``access_case``: missing and not theirs look the same)."""

    user: User
    case_id: int
    session_id: int | None
    sent: int
    start: int
    resumed: bool
    sending: asyncio.Lock

    async def connect(self) -> None:
        await self.accept()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHORISED)
            return
        if not same_site(_header(self.scope, b"origin"), _header(self.scope, b"host")):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        try:
            self.session_id = await _read(_chat_of_case)(user, _query(self.scope, "case"))
        except Http404:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.user, self.case_id = user, int(_query(self.scope, "case"))
        self.sent, self.start, self.resumed, self.sending = 0, 0, False, asyncio.Lock()
        await self.channel_layer.group_add(case_group(self.case_id), self.channel_name)
        if self.session_id is not None:
            await self.channel_layer.group_add(typing_group(self.session_id), self.channel_name)
            pusher.add(self.session_id, self)
        await self.announce("viewing", answer=True)

    async def disconnect(self, code: int) -> None:
        if not hasattr(self, "sending"):
            return
        await self.announce("left")
        await self.channel_layer.group_discard(case_group(self.case_id), self.channel_name)
        if self.session_id is not None:
            pusher.remove(self.session_id, self)
            await self.channel_layer.group_discard(typing_group(self.session_id), self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        data = _parse(text_data) if hasattr(self, "sending") else None
        if data is None:
            return
        if data.get("type") == "resume" and isinstance(data.get("after"), int):
            if self.session_id is not None:
                await resume(self, self.session_id, max(0, data["after"]))
        elif data.get("type") == "typing":
            await self.announce("typing")
            if self.session_id is not None:
                event = {"type": "chat.typing", "author": "agent", "name": self.name, "sender": self.channel_name}
                await self.channel_layer.group_send(typing_group(self.session_id), event)

    @property
    def name(self) -> str:
        return str(self.user.get_full_name() or self.user.get_username())

    async def announce(self, state: str, *, answer: bool = False) -> None:
        """Tell the case's other agents that this one views, types on or left it; ``answer``: ask them to
        say they are there too, so the newcomer sees everyone who already had the case open."""
        event = {"type": "chat.presence", "name": self.name, "state": state, "answer": answer}
        await self.channel_layer.group_send(case_group(self.case_id), {**event, "sender": self.channel_name})

    async def chat_presence(self, event: dict[str, Any]) -> None:
        if event.get("sender") == self.channel_name:
            return
        await self.send_json({"type": "presence", "name": event["name"], "state": event["state"]})
        if event.get("answer"):
            await self.announce("viewing")

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event.get("sender") != self.channel_name and event.get("author") == "customer":
            await self.send_json({"type": "typing", "author": "customer", "name": event.get("name", "")})

    async def deliver(self) -> None:
        if self.session_id is not None:
            await deliver(self, self.session_id)

    async def offer(self, message: ChatMessage) -> None:
        if self.session_id is not None:
            await offer(self, self.session_id, message)


class _Transcript(Protocol):
    """A socket that shows a chat's transcript: the last seq it sent, under its lock; ``start``: the last seq
    stored when it opened (what it sent since are the frames after it); ``resumed``: it got a resume."""

    sent: int
    start: int
    resumed: bool
    sending: asyncio.Lock

    async def send_json(self, content: dict[str, Any]) -> None: ...


async def deliver(socket: _Transcript, session_id: int) -> None:
    """Send every stored frame after the last one sent, in order; concurrent calls send each once."""
    async with socket.sending:
        messages = await reads.catch_ups.call((session_id, socket.sent))
        for message in messages:
            await socket.send_json(store.frame(message))
            socket.sent = message.seq


async def resume(socket: _Transcript, session_id: int, after: int) -> None:
    """Every frame after ``after``. A client sends its first resume as the socket opens, before it has read
    anything from it, so frames pushed to this socket meanwhile (those after ``start``: a message stored
    by the visitor's previous socket, an agent's reply) reach it before this answer: they are not sent
    twice. A later resume is answered in full."""
    async with socket.sending:
        pushed = range(socket.start + 1, socket.sent + 1) if not socket.resumed else range(0)
        socket.resumed = True
        if pushed and after >= socket.start:  # the client then has everything up to ``sent``
            after = socket.sent = max(socket.sent, after)
        elif not pushed:
            socket.sent = after
        for message in await reads.transcripts.call((session_id, after)):
            if message.seq in pushed:
                continue
            await socket.send_json(store.frame(message))
            socket.sent = max(socket.sent, message.seq)


async def offer(socket: _Transcript, session_id: int, message: ChatMessage) -> None:
    """A message just stored: usually the very next frame the socket owes, sent from the row in hand without
    the query of ``deliver``; when the socket is further behind, ``deliver`` sends what it misses, in order."""
    async with socket.sending:
        if message.seq <= socket.sent:
            return
        if message.seq == socket.sent + 1:
            await socket.send_json(store.frame(message))
            socket.sent = message.seq
            return
    await deliver(socket, session_id)


def _read(function: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """``database_sync_to_async`` on the loop's pool of threads, not the one thread ``thread_sensitive`` keeps:
    an agent's case page opening never waits behind another socket's query. Reads only: they need no order.
    (The visitors' sockets, a thousand at a time, read in batches: ``reads.py``.)"""
    reader: Callable[P, Awaitable[R]] = database_sync_to_async(function, thread_sensitive=False)
    return reader


def _chat_of_case(user: User, case_id: str) -> int | None:
    """The case's latest chat session, after checking the agent may see the case (Http404 otherwise)."""
    if not case_id.isdigit():
        raise Http404
    case = access_case(user, int(case_id))
    return ChatSession.objects.filter(case=case).order_by("-pk").values_list("pk", flat=True).first()


def _parse(text_data: str | None) -> dict[str, Any] | None:
    if text_data is None or len(text_data.encode()) > MAX_FRAME_BYTES:
        return None
    try:
        data = json.loads(text_data)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _header(scope: dict[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return ""


def _query(scope: dict[str, Any], name: str) -> str:
    values = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1")).get(name, [""])
    return values[0]
