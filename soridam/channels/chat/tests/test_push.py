"""Pushing to the sockets of one ASGI process (live.py): a visitor's message reaches the agent's case page on
the same process at once, not at the push loop's next look; the loop wakes only sockets that are behind."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from soridam.channels.chat.live import Pusher, _sessions_written_since
from soridam.channels.chat.models import ChatMessage, ChatSession
from soridam.channels.chat.tests.conftest import ORIGIN, ChatServer, free_port, migrated_env, serving
from soridam.channels.chat.tests.test_agent_socket_live import SETUP
from soridam.channels.chat.tests.wsclient import WebSocket


class Socket:
    def __init__(self, sent: int) -> None:
        self.sent = sent
        self.deliveries = 0

    async def deliver(self) -> None:
        self.deliveries += 1


def test_the_loop_wakes_only_the_sockets_behind_the_newest_seq() -> None:
    pusher, behind, current = Pusher(), Socket(sent=4), Socket(sent=5)
    pusher.listeners = {1: {behind, current}}
    asyncio.run(pusher.wake({1: 5}))
    assert (behind.deliveries, current.deliveries) == (1, 0)
    asyncio.run(pusher.wake({1: None}))  # newest unknown (the first look): everyone checks
    assert (behind.deliveries, current.deliveries) == (2, 1)


def test_the_loop_delivers_to_every_socket_behind_at_once_not_one_after_the_other() -> None:
    """Their reads then go in one batch; one after the other, a socket late in the look (an agent's case page)
    waited for every read before its own, and its own pushes waited on the lock its delivery held."""
    entered: list[str] = []

    class Waiting(Socket):
        def __init__(self, name: str, release: asyncio.Event) -> None:
            super().__init__(sent=0)
            self.name, self.release = name, release

        async def deliver(self) -> None:
            entered.append(self.name)
            await self.release.wait()

    async def look() -> None:
        release = asyncio.Event()
        pusher = Pusher()
        pusher.listeners = {1: {Waiting("visitor", release)}, 2: {Waiting("agent", release)}}
        waking = asyncio.ensure_future(pusher.wake({1: 3, 2: 7}))
        await asyncio.sleep(0.05)
        assert sorted(entered) == ["agent", "visitor"]  # both reading before either has its answer
        release.set()
        await asyncio.wait_for(waking, timeout=5)

    asyncio.run(look())


@pytest.mark.django_db
def test_a_row_that_commits_behind_one_already_seen_still_wakes_its_session() -> None:
    """Ids are given at INSERT, visible at COMMIT: a slow transaction's row shows up below the loop's last id."""
    early, late = (ChatSession.objects.create(expires_at=timezone.now() + timedelta(hours=1)) for _ in range(2))
    slow = ChatMessage.objects.create(session=late, seq=1, author="bot", text="답변")  # its id is taken first
    ChatMessage.objects.create(session=early, seq=1, author="customer", text="안녕하세요")
    pusher = Pusher()
    pusher.listeners = {early.pk: set(), late.pk: set()}
    _sessions_written_since(pusher)  # the first look
    pusher.last_id = slow.pk + 1  # the loop has seen the later id, before the slow row was committed

    assert _sessions_written_since(pusher).get(late.pk) == 1  # re-seeing `early` too is free (the seq rule)


@pytest.mark.django_db(transaction=True)
def test_the_agent_on_the_same_process_gets_the_visitor_message_without_waiting_for_the_loop(
    django_db_setup: None, tmp_path: Path
) -> None:
    port = free_port()
    env = migrated_env(port, tmp_path, SORIDAM_CHAT_PUSH_INTERVAL_MS="600000")  # the loop looks once only
    with serving(env, port):
        server = ChatServer(port=port, database=None, env=env)  # only its shell() is used
        chat = json.loads(server.shell(SETUP).splitlines()[-1])
        base = f"ws://127.0.0.1:{port}"
        visitor = WebSocket(f"{base}/ws/chat/?token={chat['token']}", origin=ORIGIN)
        agent = WebSocket(
            f"{base}/ws/agent/?case={chat['case']}",
            origin=f"http://127.0.0.1:{port - 1}",
            cookie=f"sessionid={chat['alice']}",
            timeout=20,
        )
        time.sleep(1)  # past the loop's one look
        text = f"주문 확인 부탁드려요 {uuid.uuid4().hex[:6]}"
        visitor.send({"type": "message", "client_id": str(uuid.uuid4()), "text": text})
        ack, _seen = visitor.recv_until("ack")
        frame, _seen = agent.recv_until("message", text=text)
        assert frame["seq"] == ack["seq"]
        assert frame["author"] == "customer"
        visitor.close()
        agent.close()
