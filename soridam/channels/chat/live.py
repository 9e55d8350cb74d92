"""Pushing stored messages to the sockets open in this ASGI process.

Messages are written by several processes: this one (the visitor's own), the task workers (the bot) and
the web server's workers (agents' replies, through the chat transport). The database is the one place
all of them meet, so each ASGI process looks there: one query per interval for the rows written since it
last looked, and a wake-up for each session that has a socket here. The socket then sends every frame
after the last one it sent (``ChatConsumer.deliver``), so a wake-up can be early, late or twice and the
visitor still gets each message once and in order. A socket that has already sent the newest ``seq`` the
query saw is not woken: under load most rows were written by this process and already pushed at once
(``ChatConsumer.on_message`` wakes the session's sockets here), and each needless wake-up is a query.

Ids are handed out at INSERT but become visible at COMMIT, so on PostgreSQL a row can appear behind one the
loop has already passed. Each look therefore also takes the rows written within ``LATE_COMMIT`` of the last
look, among the last ``BATCH`` ids; the ``seq`` rule makes seeing a row twice free. The database answers
with the newest ``seq`` of each session, so a look costs one row per session written, not per message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from typing import Protocol

from channels.db import database_sync_to_async
from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from soridam.channels.chat.models import ChatMessage

logger = logging.getLogger(__name__)
BATCH = 5000
LATE_COMMIT = timedelta(seconds=5)  # longer than any transaction that writes a chat message


class Listener(Protocol):
    sent: int  # the last seq this socket sent

    async def deliver(self) -> None: ...

    async def offer(self, message: ChatMessage) -> None: ...


class Pusher:
    def __init__(self) -> None:
        self.listeners: dict[int, set[Listener]] = {}
        self.last_id: int | None = None
        self.looked_at: datetime | None = None
        self.task: asyncio.Task[None] | None = None

    def add(self, session_id: int, listener: Listener) -> None:
        self.listeners.setdefault(session_id, set()).add(listener)
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._run())

    def remove(self, session_id: int, listener: Listener) -> None:
        listeners = self.listeners.get(session_id, set())
        listeners.discard(listener)
        if not listeners:
            self.listeners.pop(session_id, None)

    async def _run(self) -> None:
        while self.listeners:
            try:
                await self.wake(await database_sync_to_async(_sessions_written_since)(self))
            except Exception:  # a database hiccup must not end pushing for every socket of the process
                logger.exception("chat push failed; trying again")
            await asyncio.sleep(settings.SORIDAM_CHAT_PUSH_INTERVAL_MS / 1000)

    async def publish(self, message: ChatMessage) -> None:
        """A message this process just stored, to every socket of its session here (``Listener.offer``)."""
        for listener in list(self.listeners.get(message.session_id, ())):
            with contextlib.suppress(Exception):
                await listener.offer(message)

    async def wake(self, newest: dict[int, int | None]) -> None:
        """Deliver to the sockets of each session that have not sent its newest ``seq`` (None: unknown).

        All at once: their reads then go in one batch (``reads.catch_ups``). One after the other, each socket's
        read was a batch of its own, and the sockets later in the look (an agent's case page among them, its
        own pushes held by the lock its ``deliver`` took) waited for every read before theirs. Each socket
        still sends its frames in order under its own lock."""
        behind = [
            listener
            for session_id, seq in newest.items()
            for listener in list(self.listeners.get(session_id, ()))
            if seq is None or listener.sent < seq
        ]
        await asyncio.gather(*(_deliver(listener) for listener in behind))


async def _deliver(listener: Listener) -> None:
    with contextlib.suppress(Exception):
        await listener.deliver()


def _sessions_written_since(pusher: Pusher) -> dict[int, int | None]:
    """Each session written since the last look, with the newest ``seq`` written to it."""
    now = timezone.now()
    if pusher.last_id is None or pusher.looked_at is None:
        pusher.last_id = ChatMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        pusher.looked_at = now
        # The first look: whatever was written before is resumed by each socket.
        return dict.fromkeys(pusher.listeners)
    late = Q(pk__gt=pusher.last_id - BATCH, sent_at__gte=pusher.looked_at - LATE_COMMIT)
    written = ChatMessage.objects.filter(Q(pk__gt=pusher.last_id) | late)
    # One row per session, not per message: under load the late window alone holds thousands of rows.
    per_session = written.values("session_id").annotate(seq=Max("seq"), top=Max("pk")).order_by()
    rows = list(per_session.values_list("session_id", "seq", "top"))
    pusher.looked_at = now
    pusher.last_id = max([pusher.last_id, *(top for _session, _seq, top in rows)])
    return {session_id: seq for session_id, seq, _top in rows}


pusher = Pusher()
