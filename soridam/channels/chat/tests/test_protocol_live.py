"""The widget protocol against a real ASGI server (granian) with a real WebSocket client: frames, resend,
resume, refusals that store nothing, and the polling fallback giving the same transcript."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from soridam.channels.chat.tests.conftest import ORIGIN, ChatServer
from soridam.channels.chat.tests.wsclient import Closed, WebSocket

pytestmark = pytest.mark.django_db(transaction=True)
Post = Callable[..., tuple[int, dict[str, Any]]]


def _open(server: ChatServer, post_json: Post, **body: str) -> dict[str, Any]:
    status, answer = post_json(f"{server.base}/api/v1/chat/sessions", {"name": "홍길동", **body})
    assert status == 201, answer
    return answer


def _socket(server: ChatServer, session: dict[str, Any], origin: str = ORIGIN) -> WebSocket:
    # ws_url names the host the page came from and CHAT_WS_PORT; the test serves both on one port.
    assert session["ws_url"].startswith(f"ws://127.0.0.1:{server.port}/ws/chat/?token=")
    return WebSocket(session["ws_url"], origin=origin)


def _messages(server: ChatServer) -> int:
    return int(server.rows("SELECT COUNT(*) FROM chat_chatmessage")[0][0])


def test_session_answer_has_a_signed_token_and_the_socket_url(chat_server: ChatServer, post_json: Post) -> None:
    session = _open(chat_server, post_json, email="hong@example.com")
    assert set(session) == {"session_id", "token", "ws_url"}
    public_id = session["session_id"].replace("-", "")  # SQLite keeps UUIDs as hex; PostgreSQL reads it too
    stored = chat_server.rows("SELECT name, email FROM chat_chatsession WHERE public_id = ?", (public_id,))
    assert stored == [("홍길동", "hong@example.com")]


def test_message_is_stored_acked_and_answered_by_the_bot_with_its_source(
    chat_server: ChatServer, post_json: Post
) -> None:
    ws = _socket(chat_server, _open(chat_server, post_json))
    client_id = str(uuid.uuid4())
    ws.send({"type": "message", "client_id": client_id, "text": "배송 조회는 어떻게 하나요?"})
    ack = ws.recv()
    assert ack == {"type": "ack", "client_id": client_id, "seq": 1}
    bot, seen = ws.recv_until("message", author="bot")
    assert seen[0]["author"] == "customer"
    assert seen[0]["seq"] == 1
    assert seen[0]["text"] == "배송 조회는 어떻게 하나요?"
    assert bot["seq"] == 2
    assert bot["sources"] == [{"title": "배송 조회 방법", "url": "/help/articles/1/"}]
    assert {"seq", "author", "name", "text", "sent_at"} <= set(bot)
    ws.close()


def test_a_resend_with_the_same_client_id_is_stored_once_with_the_same_seq(
    chat_server: ChatServer, post_json: Post
) -> None:
    session = _open(chat_server, post_json)
    ws = _socket(chat_server, session)
    before = _messages(chat_server)
    client_id = str(uuid.uuid4())
    ws.send({"type": "message", "client_id": client_id, "text": "안녕하세요"})
    first = ws.recv_until("ack")[0]
    ws.close()  # the connection drops before the visitor saw the ack: the widget sends it again
    again = _socket(chat_server, session)
    again.send({"type": "message", "client_id": client_id, "text": "안녕하세요"})
    assert again.recv_until("ack")[0] == first
    again.send({"type": "resume", "after": 0})
    again.recv_until("message", author="bot", seq=2)
    assert _messages(chat_server) == before + 2  # the customer's message once, and one bot answer
    again.close()


def test_resume_sends_every_message_after_the_given_seq(chat_server: ChatServer, post_json: Post) -> None:
    session = _open(chat_server, post_json)
    ws = _socket(chat_server, session)
    for n in range(2):
        ws.send({"type": "message", "client_id": str(uuid.uuid4()), "text": f"질문 {n}"})
        ws.recv_until("message", author="bot", seq=2 * n + 2)
    ws.close()
    again = _socket(chat_server, session)
    again.send({"type": "resume", "after": 1})
    frames = [again.recv() for _ in range(3)]
    assert [f["seq"] for f in frames] == [2, 3, 4]
    assert [f["author"] for f in frames] == ["bot", "customer", "bot"]
    again.close()


def test_typing_and_unknown_frames_answer_without_storing(chat_server: ChatServer, post_json: Post) -> None:
    ws = _socket(chat_server, _open(chat_server, post_json))
    before = _messages(chat_server)
    ws.send({"type": "typing"})
    ws.send({"type": "dance"})
    assert ws.recv()["code"] == "unknown_type"
    ws.send({"type": "message", "client_id": "not-a-uuid", "text": "x"})
    assert ws.recv()["code"] == "bad_client_id"
    ws.send_raw("{not json")
    assert ws.recv()["code"] == "bad_frame"
    assert _messages(chat_server) == before
    ws.close()


@pytest.mark.parametrize(
    ("change", "code"),
    [("token", 4401), ("origin", 4403), ("missing_origin", 4403), ("expired", 4401)],
)
def test_a_bad_token_foreign_origin_or_expired_session_is_closed_and_stores_nothing(
    chat_server: ChatServer, post_json: Post, change: str, code: int
) -> None:
    session = _open(chat_server, post_json)
    url, origin = session["ws_url"], ORIGIN
    if change == "token":
        url = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    elif change == "origin":
        origin = "https://evil.test"
    elif change == "missing_origin":
        origin = ""
    else:
        expire = "UPDATE chat_chatsession SET expires_at = ? WHERE id = (SELECT MAX(id) FROM chat_chatsession)"
        chat_server.rows(expire, ("2000-01-01 00:00:00",))
    before = _messages(chat_server)
    ws = WebSocket(url, origin=origin)
    ws.send({"type": "message", "client_id": str(uuid.uuid4()), "text": "몰래 저장?"})
    with pytest.raises(Closed) as closed:
        _read_until_closed(ws)
    assert closed.value.code == code
    time.sleep(0.2)
    assert _messages(chat_server) == before


def _read_until_closed(ws: WebSocket) -> None:
    while True:
        ws.recv()


def test_session_from_a_foreign_origin_is_refused(chat_server: ChatServer, post_json: Post) -> None:
    before = chat_server.rows("SELECT COUNT(*) FROM chat_chatsession")
    status, answer = post_json(f"{chat_server.base}/api/v1/chat/sessions", {"name": "x"}, origin="https://evil.test")
    assert status == 403
    assert answer["code"] == "origin_not_allowed"
    status, _answer = post_json(f"{chat_server.base}/api/v1/chat/sessions", {"name": "x"}, origin="")
    assert status == 403
    assert chat_server.rows("SELECT COUNT(*) FROM chat_chatsession") == before


def test_polling_gives_the_same_transcript_as_the_socket(chat_server: ChatServer, post_json: Post) -> None:
    session = _open(chat_server, post_json)
    ws = _socket(chat_server, session)
    ws.send({"type": "message", "client_id": str(uuid.uuid4()), "text": "소켓으로 보낸 질문"})
    ws.recv_until("message", author="bot", seq=2)
    ws.close()
    messages_url = f"{chat_server.base}/api/v1/chat/sessions/{session['session_id']}/messages"
    client_id = str(uuid.uuid4())
    status, ack = post_json(
        messages_url, {"client_id": client_id, "text": "폴링으로 보낸 질문"}, token=session["token"]
    )
    assert (status, ack) == (200, {"type": "ack", "client_id": client_id, "seq": 3})
    status, again = post_json(
        messages_url, {"client_id": client_id, "text": "폴링으로 보낸 질문"}, token=session["token"]
    )
    assert again == ack
    polled = _poll_until(post_json, f"{messages_url}?after=0", session["token"], count=4)
    socket_view = _socket(chat_server, session)
    socket_view.send({"type": "resume", "after": 0})
    streamed = [socket_view.recv() for _ in range(4)]
    socket_view.close()
    assert polled["messages"] == streamed
    assert [m["author"] for m in streamed] == ["customer", "bot", "customer", "bot"]


def _poll_until(post_json: Post, url: str, token: str, *, count: int) -> dict[str, Any]:
    """Poll as the widget does until the bot's answer to the polled message is there."""
    deadline = time.monotonic() + 20
    while True:
        status, polled = post_json(url, None, token=token, method="GET")
        assert status == 200
        if len(polled["messages"]) >= count or time.monotonic() > deadline:
            return polled
        time.sleep(0.2)


def test_polling_with_a_bad_token_or_foreign_origin_stores_nothing(chat_server: ChatServer, post_json: Post) -> None:
    session = _open(chat_server, post_json)
    url = f"{chat_server.base}/api/v1/chat/sessions/{session['session_id']}/messages"
    before = _messages(chat_server)
    body = {"client_id": str(uuid.uuid4()), "text": "x"}
    assert post_json(url, body, token=session["token"] + "x")[0] == 401
    assert post_json(url, body, token=session["token"], origin="https://evil.test")[0] == 403
    other = _open(chat_server, post_json)
    assert post_json(url, body, token=other["token"])[0] == 403
    assert _messages(chat_server) == before
