"""Calls made for many sockets at once, on a thread of their own: what queued while one call ran is the next.

One socket's store or read is a hop to a thread and a query; a thousand sockets doing it at once (every
visitor reconnecting after a network blip, each with its token and its resume) paid a thousand hops and
queries, and threads of the loop's pool fought the loop for the interpreter while the acks waited
(bench/README.md, "Live chat: the reconnect of every socket"). Here the sockets queue their item and one
thread handles everything that queued while its previous call ran, in one call: under a light load a call
is one item, handled at once; under a heavy one the calls grow and stay few. The thread has its own
database connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

from django.db import close_old_connections

T = TypeVar("T")
R = TypeVar("R")
MAX_BATCH = 1000  # items per call: bounds a call's time when a backlog has built up


class Batches(Generic[T, R]):
    """``handle(items)`` answers each item with its result or the exception it raises for that item alone."""

    def __init__(
        self, handle: Callable[[Sequence[T]], Sequence[R | Exception]], name: str, *, linger: float = 0.0
    ) -> None:
        """``linger``: seconds a call starts after the oldest item it handles arrived, at the soonest. A call
        costs a fixed part (a transaction, its statements) besides its items; handled at once, a quiet second's
        items went a few to a call and the fixed part cost more than the items (bench/README.md, "live chat at
        1,000 sockets, the group commit's Python"). Items that waited longer (a backlog) are handled at once."""
        self.handle = handle
        self.linger = linger
        self.waiting: list[tuple[T, asyncio.Future[R], float]] = []
        self.running: asyncio.Task[None] | None = None
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    async def call(self, item: T) -> R:
        """``handle([item])[0]`` (raised if an exception), handled with whatever queues meanwhile."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self.waiting.append((item, future, loop.time()))
        if self.running is None or self.running.done():
            self.running = loop.create_task(self._run_while_waiting())
        return await future

    async def _run_while_waiting(self) -> None:
        loop = asyncio.get_running_loop()
        while self.waiting:
            if (delay := self.waiting[0][2] + self.linger - loop.time()) > 0:
                await asyncio.sleep(delay)
            batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
            items = [item for item, _future, _arrived in batch]
            try:
                outcomes = await loop.run_in_executor(self.thread, self._handle, items)
            except Exception as exc:  # noqa: BLE001 - the database is down: every caller of the batch gets it
                outcomes = [exc] * len(batch)
            for (_item, future, _arrived), outcome in zip(batch, outcomes, strict=True):
                if future.done():  # the socket closed while it waited
                    continue
                if isinstance(outcome, Exception):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)

    def _handle(self, items: list[T]) -> Sequence[R | Exception]:
        # What ``database_sync_to_async`` does around each call: drop a connection that is broken or too old.
        close_old_connections()
        try:
            return self.handle(items)
        finally:
            close_old_connections()
