"""A socket's first resume after it opened: frames already pushed to it meanwhile are not sent twice."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from soridam.channels.chat import consumers, reads
from soridam.channels.chat import store as chat_store
from soridam.channels.chat.models import Author, ChatSession


@dataclass
class _Socket:
    sent: int
    start: int
    resumed: bool = False
    sending: asyncio.Lock = field(default_factory=asyncio.Lock)
    frames: list[int] = field(default_factory=list)

    async def send_json(self, content: dict[str, Any]) -> None:
        self.frames.append(content["seq"])


def _session_with(count: int) -> ChatSession:
    session = ChatSession.objects.create(name="홍길동", expires_at=timezone.now() + timedelta(hours=1))
    for n in range(count):
        chat_store.append(session.pk, Author.BOT, f"답변 {n}")
    return session


def _resumes(socket: _Socket, session_id: int, *afters: int) -> list[list[int]]:
    async def run() -> list[list[int]]:
        answers = []
        for after in afters:
            socket.frames = []
            await consumers.resume(socket, session_id, after)
            answers.append(socket.frames)
        return answers

    try:
        return asyncio.run(run())
    finally:
        reads.transcripts.thread.submit(connections.close_all).result()  # its connection, before the test DB goes


@pytest.mark.django_db(transaction=True)
def test_the_first_resume_skips_what_the_new_socket_already_pushed_and_a_later_one_sends_everything() -> None:
    session = _session_with(6)
    # Opened when seq 3 was the newest; 4 and 5 were pushed before the client's resume (it had seen up to 1).
    socket = _Socket(sent=5, start=3)

    first, later = _resumes(socket, session.pk, 1, 4)

    assert first == [2, 3, 6]  # each frame after 1 exactly once on this socket: 4 and 5 were already sent
    assert later == [5, 6]  # asked again on the same socket: answered in full
    assert socket.sent == 6


@pytest.mark.django_db(transaction=True)
def test_an_agent_page_pushed_the_transcript_before_its_resume_gets_nothing_twice() -> None:
    session = _session_with(3)
    socket = _Socket(sent=3, start=0)  # a push arrived first and sent the whole transcript

    (answer,) = _resumes(socket, session.pk, 0)

    assert answer == []
    assert socket.sent == 3


@pytest.mark.django_db(transaction=True)
def test_a_first_resume_with_nothing_pushed_sends_every_frame_after_it() -> None:
    session = _session_with(4)
    socket = _Socket(sent=4, start=4)

    (answer,) = _resumes(socket, session.pk, 1)

    assert answer == [2, 3, 4]
