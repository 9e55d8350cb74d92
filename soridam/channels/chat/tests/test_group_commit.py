"""Group commit (store.receive_many, inbox.py): the visitors' messages of many sessions stored in one transaction,
each exactly once per client_id with its session's next seq, and each one's failure its own."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from soridam.channels.chat import inbox as inbox_module
from soridam.channels.chat import store
from soridam.channels.chat.layers import InMemoryChannelLayer
from soridam.channels.chat.models import ChatMessage, ChatSession
from soridam.lib.ratelimit import RateLimited


@pytest.fixture(autouse=True)
def _task_rows(settings: Any) -> None:
    # As in production: the bot's turn is a task row written in the same transaction (not run at once).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _session() -> ChatSession:
    return ChatSession.objects.create(name="홍길동", expires_at=timezone.now() + timedelta(hours=1))


def _transcript(session: ChatSession) -> list[tuple[int, str]]:
    return list(ChatMessage.objects.filter(session=session).order_by("seq").values_list("seq", "text"))


@pytest.mark.django_db
def test_one_batch_stores_each_message_once_in_order_per_session() -> None:
    first, second = _session(), _session()
    resent = uuid.uuid4()
    outcomes = store.receive_many(
        [
            store.Inbound(first.pk, str(resent), "배송 언제 오나요"),
            store.Inbound(second.pk, str(uuid.uuid4()), "환불 문의"),
            store.Inbound(first.pk, str(uuid.uuid4()), "주문번호 2026-1234567"),
            store.Inbound(first.pk, str(resent), "배송 언제 오나요"),  # the same message again, in the same batch
            store.Inbound(first.pk, "not-a-uuid", "무시"),
            store.Inbound(second.pk, str(uuid.uuid4()), "   "),
        ]
    )

    kinds = [o.created if isinstance(o, store.Stored) else type(o).__name__ for o in outcomes]
    assert kinds == [True, True, True, False, "BadMessage", "BadMessage"]
    assert [o.message.seq for o in outcomes[:4] if isinstance(o, store.Stored)] == [1, 1, 2, 1]
    assert _transcript(first) == [(1, "배송 언제 오나요"), (2, "주문번호 2026-1234567")]
    assert _transcript(second) == [(1, "환불 문의")]
    assert [ChatSession.objects.get(pk=s.pk).last_seq for s in (first, second)] == [2, 1]
    stored_ids = {o.message.pk for o in outcomes if isinstance(o, store.Stored)}
    queued = DBTaskResult.objects.filter(task_path=store.ANSWER_TASK)
    assert sorted(task.args_kwargs["args"][0] for task in queued) == sorted(stored_ids)


@pytest.mark.django_db
def test_a_resend_of_a_message_stored_earlier_is_answered_with_its_seq() -> None:
    session = _session()
    client_id = uuid.uuid4()
    stored = store.receive(session.pk, str(client_id), "안녕하세요")
    again, new = store.receive_many(
        [store.Inbound(session.pk, str(client_id), "안녕하세요"), store.Inbound(session.pk, str(uuid.uuid4()), "네")]
    )

    assert isinstance(again, store.Stored)
    assert isinstance(new, store.Stored)
    assert (again.created, again.message.pk, again.message.seq) == (False, stored.message.pk, 1)
    assert (new.created, new.message.seq) == (True, 2)
    assert _transcript(session) == [(1, "안녕하세요"), (2, "네")]


@pytest.mark.django_db
def test_the_rate_limit_counts_each_message_of_a_batch(settings: Any) -> None:
    settings.SORIDAM_RATE_LIMITS = {**settings.SORIDAM_RATE_LIMITS, "chat_message": 2}
    session, other = _session(), _session()
    outcomes = store.receive_many(
        [store.Inbound(session.pk, str(uuid.uuid4()), f"메시지 {n}") for n in range(3)]
        + [store.Inbound(other.pk, str(uuid.uuid4()), "다른 방문자")]
    )

    assert [type(o).__name__ for o in outcomes] == ["Stored", "Stored", "RateLimited", "Stored"]
    assert len(_transcript(session)) == 2
    with pytest.raises(RateLimited):
        store.receive(session.pk, str(uuid.uuid4()), "또")


@pytest.mark.django_db
def test_a_message_the_database_refuses_fails_alone() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite stores a NUL character; PostgreSQL refuses it")
    session = _session()
    outcomes = store.receive_many(
        [
            store.Inbound(session.pk, str(uuid.uuid4()), "앞"),
            store.Inbound(session.pk, str(uuid.uuid4()), "널\x00문자"),
            store.Inbound(session.pk, str(uuid.uuid4()), "뒤"),
        ]
    )

    assert [type(o).__name__ for o in outcomes] == ["Stored", "DataError", "Stored"]
    assert _transcript(session) == [(1, "앞"), (2, "뒤")]


@pytest.mark.django_db(transaction=True)
def test_the_inbox_commits_what_arrives_together_in_one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    sessions = [_session() for _ in range(3)]
    batches: list[int] = []
    store_batch = inbox_module.receive_many

    def counted(batch: Sequence[store.Inbound]) -> list[store.Stored | Exception]:
        batches.append(len(batch))
        return store_batch(batch)

    monkeypatch.setattr(inbox_module, "receive_many", counted)
    inbox = inbox_module.Inbox()

    async def visitors() -> list[store.Stored]:
        sends = [inbox.receive(store.Inbound(s.pk, str(uuid.uuid4()), f"{n}번")) for n in range(10) for s in sessions]
        return await asyncio.gather(*sends)

    stored = asyncio.run(visitors())
    inbox.thread.submit(connections.close_all).result()  # its own connection, before the test database goes
    inbox.thread.shutdown()

    assert sum(batches) == 30
    assert len(batches) < 30
    for session in sessions:
        assert [seq for seq, _text in _transcript(session)] == list(range(1, 11))
    assert sorted(s.message.pk for s in stored) == sorted(ChatMessage.objects.values_list("pk", flat=True))


def test_the_in_memory_layer_cleans_up_at_most_once_a_second() -> None:
    async def scenario() -> tuple[bool, bool]:
        layer = InMemoryChannelLayer(expiry=0.01)
        await layer.send("visitor.one", {"type": "chat.typing"})
        time.sleep(0.05)  # the message has expired
        layer._cleaned_at = time.monotonic()  # just cleaned: this look is skipped
        layer._clean_expired()
        kept = "visitor.one" in layer.channels
        layer._cleaned_at = 0.0
        layer._clean_expired()
        return kept, "visitor.one" in layer.channels

    assert asyncio.run(scenario()) == (True, False)


@pytest.mark.django_db
def test_a_sessions_rate_window_starts_at_its_first_message_and_is_counted_on_its_row(settings: Any) -> None:
    # Counted on the session's row (locked anyway): no cache statement per message, and no minute boundary
    # at which every session's count starts again at once.
    settings.SORIDAM_RATE_LIMITS = {**settings.SORIDAM_RATE_LIMITS, "chat_message": 2}
    session = _session()
    with CaptureQueriesContext(connection) as queries:
        for n in range(2):
            store.receive(session.pk, str(uuid.uuid4()), f"메시지 {n}")
    with pytest.raises(RateLimited) as refused:
        store.receive(session.pk, str(uuid.uuid4()), "셋째")

    assert not [q for q in queries if "cache" in q["sql"]]
    assert 58 <= refused.value.retry_after <= 60
    ChatSession.objects.filter(pk=session.pk).update(rate_window_start=timezone.now() - timedelta(seconds=61))
    assert store.receive(session.pk, str(uuid.uuid4()), "1분 뒤").message.seq == 3
