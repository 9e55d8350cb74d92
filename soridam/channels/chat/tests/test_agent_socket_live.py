"""The agent's side of a chat against the real ASGI server: the case page's socket gets the transcript live,
the visitor's typing, and who else has the case open or is typing; the visitor sees the agent typing."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from soridam.channels.chat.tests.conftest import ORIGIN, ChatServer
from soridam.channels.chat.tests.wsclient import Closed, WebSocket

pytestmark = pytest.mark.django_db(transaction=True)

SETUP = """
import json
from django.test import Client
from soridam.accounts.models import Membership, Role, Team, User
from soridam.channels.chat import store, tokens
import time
import uuid

suffix = uuid.uuid4().hex[:6]
team = Team.objects.create(name="Chat " + suffix, slug="chat-" + suffix)
cookies = {}
for name in ("alice", "bob"):
    user = User.objects.create_user(username=name + uuid.uuid4().hex[:6], password="pw", role=Role.AGENT,
                                    first_name=name)
    Membership.objects.create(user=user, team=team)
    client = Client()
    client.force_login(user)
    cookies[name] = client.cookies["sessionid"].value
session = store.open_session(store.Visitor(name="홍길동", email="hong@example.com"), origin="http://shop.test")
store.store_customer_message(session.pk, uuid.uuid4(), "상담원 연결해 주세요")
for _ in range(200):  # the task worker beside the server runs the bot's turn and the hand-over
    session.refresh_from_db()
    if session.case_id:
        break
    time.sleep(0.1)
print(json.dumps({"case": session.case_id, "token": tokens.issue(session), **cookies}))
"""


@pytest.fixture
def handed_over(chat_server: ChatServer) -> dict[str, Any]:
    return dict(json.loads(chat_server.shell(SETUP).splitlines()[-1]))


def _agent(server: ChatServer, chat: dict[str, Any], who: str, origin: str = "") -> WebSocket:
    url = f"ws://127.0.0.1:{server.port}/ws/agent/?case={chat['case']}"
    return WebSocket(url, origin=origin or f"http://127.0.0.1:{server.port - 1}", cookie=f"sessionid={chat[who]}")


def test_the_agent_sees_the_transcript_typing_and_the_other_agent_live(
    chat_server: ChatServer, handed_over: dict[str, Any]
) -> None:
    alice = _agent(chat_server, handed_over, "alice")
    alice.send({"type": "resume", "after": 0})
    transcript = [alice.recv() for _ in range(3)]
    assert [f.get("author", f["type"]) for f in transcript] == ["customer", "bot", "handover"]
    assert transcript[0]["text"] == "상담원 연결해 주세요"

    bob = _agent(chat_server, handed_over, "bob")
    assert alice.recv_until("presence")[0] == {"type": "presence", "name": "bob", "state": "viewing"}
    assert bob.recv_until("presence")[0] == {"type": "presence", "name": "alice", "state": "viewing"}

    visitor = WebSocket(f"ws://127.0.0.1:{chat_server.port}/ws/chat/?token={handed_over['token']}", origin=ORIGIN)
    visitor.send({"type": "typing"})
    assert alice.recv_until("typing")[0] == {"type": "typing", "author": "customer", "name": "홍길동"}

    alice.send({"type": "typing"})
    assert visitor.recv_until("typing")[0] == {"type": "typing", "author": "agent", "name": "alice"}
    assert bob.recv_until("presence", state="typing")[0]["name"] == "alice"  # the collision notice

    visitor.send({"type": "message", "client_id": str(uuid.uuid4()), "text": "주문번호는 1234입니다"})
    said = alice.recv_until("message", author="customer")[0]
    assert said["text"] == "주문번호는 1234입니다"
    assert said["seq"] == 4

    bob.close()
    assert alice.recv_until("presence", state="left")[0]["name"] == "bob"
    for ws in (alice, visitor):
        ws.close()


@pytest.mark.parametrize(("who", "origin", "code"), [("nobody", "", 4401), ("alice", "https://shop.test", 4403)])
def test_an_agent_socket_without_a_login_or_from_another_site_is_closed(
    chat_server: ChatServer, handed_over: dict[str, Any], who: str, origin: str, code: int
) -> None:
    chat = {**handed_over, "nobody": "not-a-session"}
    ws = _agent(chat_server, chat, who, origin=origin)
    with pytest.raises(Closed) as closed:
        ws.recv()
    assert closed.value.code == code
