"""The widget's socket, ``/ws/chat/?token=…`` (protocol: README, "Live chat").

Authentication happens before anything is stored: a foreign Origin closes with 4403, a bad or expired token
with 4401 (the socket is accepted first, since a close code can only follow an accept). Each visitor
message is stored (``store``) before its ack; the bot's turn runs in a task afterwards. Frames are at most
8 KB of JSON.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import timezone

from soridam.channels.chat import store, tokens
from soridam.channels.chat.live import pusher
from soridam.channels.chat.models import ChatSession
from soridam.channels.chat.origins import origin_allowed
from soridam.lib.ratelimit import RateLimited, check_rate

MAX_FRAME_BYTES = 8 * 1024
CLOSE_UNAUTHORISED = 4401
CLOSE_FORBIDDEN = 4403


class ChatConsumer(AsyncWebsocketConsumer):
    session: ChatSession
    sent: int
    sending: asyncio.Lock

    async def connect(self) -> None:
        await self.accept()
        if not origin_allowed(_header(self.scope, b"origin")):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        try:
            self.session = await database_sync_to_async(tokens.session_for)(_query(self.scope, "token"))
        except tokens.BadToken:
            await self.close(code=CLOSE_UNAUTHORISED)
            return
        self.sent, self.sending = self.session.last_seq, asyncio.Lock()
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
            stored = await database_sync_to_async(_store)(self.session.pk, data)
        except store.BadMessage as exc:
            await self.error(exc.code, str(exc), client_id=data.get("client_id"))
            return
        except RateLimited as exc:
            await self.error("rate_limited", str(exc), client_id=data.get("client_id"))
            return
        message = stored.message
        await self.send_json({"type": "ack", "client_id": str(message.client_id), "seq": message.seq})
        await self.deliver()

    async def on_resume(self, data: dict[str, Any]) -> None:
        after = data.get("after", 0)
        if not isinstance(after, int) or after < 0:
            await self.error("bad_after", "after must be a sequence number.")
            return
        async with self.sending:
            self.sent = after
        await self.deliver()

    async def on_typing(self, data: dict[str, Any]) -> None:
        event = {"type": "chat.typing", "author": "customer", "name": self.session.name, "sender": self.channel_name}
        await self.channel_layer.group_send(typing_group(self.session.pk), event)

    async def deliver(self) -> None:
        """Send every stored frame after the last one sent, in order; concurrent calls send each once."""
        async with self.sending:
            messages = await database_sync_to_async(store.messages_after)(self.session.pk, self.sent)
            for message in messages:
                await self.send_json(store.frame(message))
                self.sent = message.seq

    async def chat_typing(self, event: dict[str, Any]) -> None:
        """Someone else in the chat is typing (the agent; the visitor's own other tabs are skipped)."""
        if event.get("author") != "customer":
            await self.send_json({"type": "typing", "author": event["author"], "name": event.get("name", "")})

    async def error(self, code: str, message: str, **extra: Any) -> None:
        await self.send_json({"type": "error", "code": code, "message": message, **extra})

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content, ensure_ascii=False))


def typing_group(session_id: int) -> str:
    return f"chat.{session_id}"


def _store(session_id: int, data: dict[str, Any]) -> store.Stored:
    client_id = store.parse_client_id(data.get("client_id"))
    text = store.clean_text(data.get("text"))
    check_rate("chat_message", f"session:{session_id}")
    return store.store_customer_message(session_id, client_id, text)


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
