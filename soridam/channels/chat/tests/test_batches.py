"""``Batches``' linger: a call waits for the items that arrive within ``linger`` of its oldest one, so a quiet
second's messages share a group commit instead of paying its fixed part a few at a time; a backlog is not held."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from soridam.channels.chat.batches import Batches
from soridam.channels.chat.inbox import inbox

LINGER = 0.5  # long against the test's own steps: a call held for it is told apart from one that is not


def _recording(calls: list[list[int]]) -> Batches[int, int]:
    def handle(items: Sequence[int]) -> list[int | Exception]:
        calls.append(list(items))
        return [item * 10 for item in items]

    return Batches(handle, "test-linger", linger=LINGER)


def test_items_arriving_within_the_linger_of_the_first_share_one_call() -> None:
    calls: list[list[int]] = []

    async def scenario() -> list[int]:
        batches = _recording(calls)

        async def later(item: int, after: float) -> int:
            await asyncio.sleep(after)
            return await batches.call(item)

        return list(await asyncio.gather(batches.call(1), later(2, 0.01), later(3, 0.02)))

    assert asyncio.run(scenario()) == [10, 20, 30]
    assert calls == [[1, 2, 3]]


def test_an_item_that_waited_out_the_linger_already_is_handled_at_once() -> None:
    """A backlog (items queued behind a call longer than the linger) is not held again."""
    calls: list[list[int]] = []

    async def scenario() -> float:
        batches = _recording(calls)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[int] = loop.create_future()
        batches.waiting.append((1, future, loop.time() - LINGER))
        started = loop.time()
        batches.running = loop.create_task(batches._run_while_waiting())
        assert await future == 10
        return loop.time() - started

    assert asyncio.run(scenario()) < LINGER / 2
    assert calls == [[1]]


def test_the_inbox_lingers_and_the_reads_do_not() -> None:
    from soridam.channels.chat import reads

    assert 0 < inbox.linger <= 0.01
    assert reads.sessions.linger == reads.transcripts.linger == reads.catch_ups.linger == 0
