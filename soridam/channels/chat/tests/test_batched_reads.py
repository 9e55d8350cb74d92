"""The sockets' reads in batches (reads.py): many tokens, or many resumes, answered by one query each, every
socket getting what its own read would have given it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from datetime import timedelta

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from soridam.channels.chat import consumers, reads, store, tokens
from soridam.channels.chat.batches import Batches
from soridam.channels.chat.models import Author, ChatSession


def _session(*, hours: int = 1) -> ChatSession:
    return ChatSession.objects.create(name="홍길동", expires_at=timezone.now() + timedelta(hours=hours))


@pytest.mark.django_db
def test_many_tokens_are_checked_with_one_query_and_each_gets_its_own_answer() -> None:
    live, other, expired = _session(), _session(), _session(hours=-1)
    gone = _session()
    gone_token = tokens.issue(gone)
    gone.delete()
    asked = [tokens.issue(live), "forged", tokens.issue(expired), tokens.issue(other), gone_token, ""]

    with CaptureQueriesContext(connections["default"]) as queries:
        answers = tokens.sessions_for(asked)

    assert len(queries) == 1
    assert [a.pk if isinstance(a, ChatSession) else str(a) for a in answers] == [
        live.pk,
        "bad token",
        "expired session",
        other.pk,
        "bad token",
        "no token",
    ]


@pytest.mark.django_db
def test_many_resumes_are_read_with_one_query_each_from_its_own_seq() -> None:
    first, second, quiet = _session(), _session(), _session()
    for n in range(4):
        store.append(first.pk, Author.BOT, f"첫째 {n}")
    store.append(second.pk, Author.AGENT, "둘째")

    with CaptureQueriesContext(connections["default"]) as queries:
        found = store.transcripts([(first.pk, 2), (second.pk, 0), (quiet.pk, 0), (first.pk, 0)])

    assert len(queries) == 1
    assert [[(m.seq, m.text) for m in messages] for messages in found] == [
        [(3, "첫째 2"), (4, "첫째 3")],
        [(1, "둘째")],
        [],
        [(1, "첫째 0"), (2, "첫째 1"), (3, "첫째 2"), (4, "첫째 3")],
    ]
    assert [[m.seq for m in messages] for messages in store.transcripts([(first.pk, 3)])] == [[4]]


@pytest.mark.django_db
def test_each_resume_of_a_batch_gets_at_most_the_transcript_limit_from_its_own_seq(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    long, short = _session(), _session()
    for n in range(5):
        store.append(long.pk, Author.BOT, f"긴 {n}")
    store.append(short.pk, Author.BOT, "짧은")
    monkeypatch.setattr(store, "TRANSCRIPT_LIMIT", 2)

    found = store.transcripts([(long.pk, 0), (short.pk, 0), (long.pk, 3), (long.pk, 5)])

    assert [[m.seq for m in messages] for messages in found] == [[1, 2], [1], [4, 5], []]
    assert [m.seq for m in store.messages_after(long.pk, 0)] == [1, 2]  # one ask alone: the same limit


class _Page:
    """A socket that shows a transcript (consumers._Transcript), as the push loop finds it behind."""

    def __init__(self) -> None:
        self.sent, self.start, self.resumed, self.sending = 0, 0, True, asyncio.Lock()

    async def send_json(self, content: dict[str, object]) -> None:
        raise AssertionError("nothing is stored for this chat")


@pytest.mark.django_db
def test_a_push_catching_a_socket_up_does_not_wait_behind_a_burst_of_resumes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every widget reconnecting at once queues a thousand resume reads; an agent's case page the push loop
    wakes reads in a queue of its own."""
    release = threading.Event()

    def stuck(asks: Sequence[tuple[int, int]]) -> list[list[object]]:
        release.wait(10)
        return [[] for _ask in asks]

    monkeypatch.setattr(reads.transcripts, "handle", stuck)

    async def catch_up_while_resumes_wait() -> None:
        resumes = asyncio.ensure_future(reads.transcripts.call((1, 0)))
        await asyncio.sleep(0.05)  # the resumes' call has started and holds its thread
        try:
            await asyncio.wait_for(consumers.deliver(_Page(), 999_999), timeout=5)
        finally:
            release.set()
            await resumes

    asyncio.run(catch_up_while_resumes_wait())


def test_what_queues_while_a_call_runs_is_handled_in_the_next_call_and_errors_stay_with_their_item() -> None:
    calls: list[list[int]] = []

    def halve(items: Sequence[int]) -> list[int | Exception]:
        calls.append(list(items))
        return [ValueError(n) if n % 2 else n // 2 for n in items]

    batches: Batches[int, int] = Batches(halve, "test-batches")

    async def callers() -> list[int | BaseException]:
        return await asyncio.gather(*(batches.call(n) for n in range(10)), return_exceptions=True)

    answers = asyncio.run(callers())
    batches.thread.shutdown()

    assert [a if isinstance(a, int) else type(a).__name__ for a in answers] == [
        n // 2 if n % 2 == 0 else "ValueError" for n in range(10)
    ]
    assert sum(len(call) for call in calls) == 10
    assert len(calls) < 10
