"""Group commit of the visitors' messages in one ASGI process.

Each message must be committed before its ack, and a commit waits for the disk: one transaction per
message, all on the one thread ``database_sync_to_async`` uses, held the process to about a hundred
messages a second (bench/README.md, "Live chat"). Here the sockets hand their messages to one queue; a
thread of its own stores everything that queued while the previous batch was being stored, in one
transaction (``store.receive_many``), and each socket acks its message once that commit is done. Under a
light load a batch is one message and is stored at once; under a heavy one the batches grow, so the
commits per second stay few. The thread has its own database connection, so the batches never wait behind
the sockets' reads (resume, the push loop), nor those behind the batches.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections

from soridam.channels.chat.store import Inbound, Stored, receive_many

MAX_BATCH = 1000  # messages per transaction: bounds a batch's time when a backlog has built up


class Inbox:
    def __init__(self) -> None:
        self.waiting: list[tuple[Inbound, asyncio.Future[Stored]]] = []
        self.storing: asyncio.Task[None] | None = None
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chat-inbox")

    async def receive(self, inbound: Inbound) -> Stored:
        """``store.receive`` for one message, committed with the others that arrive meanwhile."""
        future: asyncio.Future[Stored] = asyncio.get_running_loop().create_future()
        self.waiting.append((inbound, future))
        if self.storing is None or self.storing.done():
            self.storing = asyncio.get_running_loop().create_task(self._store_while_waiting())
        return await future

    async def _store_while_waiting(self) -> None:
        loop = asyncio.get_running_loop()
        while self.waiting:
            batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
            try:
                outcomes = await loop.run_in_executor(self.thread, _store, [inbound for inbound, _f in batch])
            except Exception as exc:  # noqa: BLE001 - the database is down: each socket of the batch gets it, none acks
                outcomes = [exc] * len(batch)
            for (_inbound, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():  # the socket closed while it waited
                    continue
                if isinstance(outcome, Exception):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)


def _store(batch: list[Inbound]) -> list[Stored | Exception]:
    # What ``database_sync_to_async`` does around each call: drop a connection that is broken or too old.
    close_old_connections()
    try:
        return receive_many(batch)
    finally:
        close_old_connections()


inbox = Inbox()
