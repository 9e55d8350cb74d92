"""With REDIS_URL the channel layer spans ASGI processes: a visitor on one and an agent on another see each
other typing, and messages reach both. Needs a Redis server and channels-redis; skipped without them."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from soridam.channels.chat.tests.conftest import ORIGIN, ChatServer, free_port, migrated_env, serving
from soridam.channels.chat.tests.test_agent_socket_live import SETUP
from soridam.channels.chat.tests.wsclient import WebSocket

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="no redis-server here"),
    pytest.mark.skipif(importlib.util.find_spec("channels_redis") is None, reason="channels-redis is not installed"),
]


@pytest.fixture(scope="module")
def two_servers(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ChatServer, ChatServer]]:
    tmp = tmp_path_factory.mktemp("chat-redis")
    redis_port, first, second = free_port(), free_port(), free_port()
    redis = subprocess.Popen(  # noqa: S603
        [str(shutil.which("redis-server")), "--port", str(redis_port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        env = migrated_env(first, tmp, REDIS_URL=f"redis://127.0.0.1:{redis_port}/0")
        database = tmp / "chat.sqlite3" if connection.vendor != "postgresql" else None
        with serving(env, first, second):
            yield ChatServer(first, database, env), ChatServer(second, database, env)
    finally:
        redis.terminate()
        redis.wait(10)


def test_a_visitor_and_an_agent_on_two_asgi_processes_see_each_other_typing(
    two_servers: tuple[ChatServer, ChatServer],
) -> None:
    visitor_side, agent_side = two_servers
    chat = json.loads(visitor_side.shell(SETUP).splitlines()[-1])
    visitor = WebSocket(f"ws://127.0.0.1:{visitor_side.port}/ws/chat/?token={chat['token']}", origin=ORIGIN)
    agent = WebSocket(
        f"ws://127.0.0.1:{agent_side.port}/ws/agent/?case={chat['case']}",
        origin="http://127.0.0.1:8000",
        cookie=f"sessionid={chat['alice']}",
    )
    agent.send({"type": "typing"})
    assert visitor.recv_until("typing")[0] == {"type": "typing", "author": "agent", "name": "alice"}
    visitor.send({"type": "typing"})
    assert agent.recv_until("typing")[0]["author"] == "customer"
    visitor.send({"type": "message", "client_id": str(uuid.uuid4()), "text": "다른 프로세스로도 가나요?"})
    # The agent's socket starts at seq 0 (its page resumes after what it shows): the transcript comes first, in order.
    frame, seen = agent.recv_until("message", author="customer", text="다른 프로세스로도 가나요?")
    assert [f["seq"] for f in seen if f.get("type") == "message"] == sorted(
        {f["seq"] for f in seen if f.get("type") == "message"}
    )
    visitor.close()
    agent.close()
