"""The sockets' reads in batches (reads.py): many tokens, or many resumes, answered by one query each, every
socket getting what its own read would have given it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from soridam.channels.chat import store, tokens
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
