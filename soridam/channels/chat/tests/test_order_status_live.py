"""Order status through the chat widget, end to end: a real ASGI server, a real WebSocket client and the real
bot in its task worker. A visitor proves an order with its number and their phone and sees its status (and
the agent who takes the chat over sees which order it was); a visitor who cannot prove it three times is
handed over to a person, having seen nothing of the order."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection

from soridam.channels.chat.tests.conftest import ChatServer, free_port, migrated_env, serving
from soridam.channels.chat.tests.wsclient import WebSocket

pytestmark = pytest.mark.django_db(transaction=True)
Post = Callable[..., tuple[int, dict[str, Any]]]
NUMBER = "20261201-0000012"
# Run in the server's own process, on its database: a shop and one order placed by 홍길동.
MAKE_ORDER = f"""
from datetime import timedelta
from django.utils import timezone
from soridam.orders.models import Order, Shop
shop, _ = Shop.objects.get_or_create(slug="haru", defaults=dict(provider="cafe24", name="하루장터",
    base_url="http://127.0.0.1:9"))
Order.objects.get_or_create(shop=shop, external_id="ext-1", defaults=dict(
    number="{NUMBER}", status="shipped", total=69000, buyer_name="홍길동", buyer_email="hong@example.kr",
    buyer_phone="01012345678", placed_at=timezone.now() - timedelta(days=2),
    items=[{{"name": "무선 이어폰", "option": "블랙", "quantity": 1}}],
    shipments=[{{"carrier": "CJ대한통운", "tracking_number": "512345678901", "tracking_url": "",
        "shipped_at": "2026-12-02T09:00:00+00:00"}}]))
"""


@pytest.fixture(scope="module")
def bot_server(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ChatServer]:
    tmp = tmp_path_factory.mktemp("chat-orders")
    port = free_port()
    env = migrated_env(port, tmp, SORIDAM_CHAT_RESPONDER="soridam.bot.engine.reply")
    with serving(env, port):
        sqlite = connection.vendor != "postgresql"
        yield ChatServer(port=port, database=tmp / "chat.sqlite3" if sqlite else None, env=env)


@pytest.fixture(autouse=True)
def _worker_done_before_the_flush() -> Iterator[None]:
    """A hand-over leaves the worker routing and triaging the new case for a while (longer than the chat
    conftest's 15 s wait on a loaded machine); on PostgreSQL the flush would then deadlock with it."""
    yield
    if connection.vendor != "postgresql":
        return
    quiet, deadline = 0, time.monotonic() + 90
    while quiet < 5 and time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND state IN ('active', 'idle in transaction')"
            )
            busy = cursor.fetchone()[0]
        quiet = 0 if busy else quiet + 1
        time.sleep(0.1)


def _chat(server: ChatServer, post_json: Post) -> WebSocket:
    status, session = post_json(f"{server.base}/api/v1/chat/sessions", {"name": "방문자"})
    assert status == 201, session
    return WebSocket(session["ws_url"], origin="http://shop.test", timeout=120)  # the worker loads Kiwi once


def _say(ws: WebSocket, text: str, seq: int) -> dict[str, Any]:
    """Send one message and wait for the bot's answer to it (the visitor's message is ``seq``)."""
    ws.send({"type": "message", "client_id": str(uuid.uuid4()), "text": text})
    return ws.recv_until("message", author="bot", seq=seq + 1)[0]


def test_a_visitor_proves_an_order_with_its_number_and_phone_and_sees_its_status(
    bot_server: ChatServer, post_json: Post
) -> None:
    bot_server.shell(MAKE_ORDER)
    ws = _chat(bot_server, post_json)
    asked = _say(ws, f"주문 조회 부탁해요 {NUMBER}", 1)
    assert "휴대폰 번호" in asked["text"]
    assert "무선 이어폰" not in asked["text"]
    shown = _say(ws, "010-1234-5678", 3)
    _say(ws, "상담원 연결해 주세요", 5)
    handover = ws.recv_until("handover")[0]
    ws.close()
    assert NUMBER in shown["text"]
    assert "발송되어 배송 중이에요" in shown["text"]
    assert "무선 이어폰 (블랙) × 1" in shown["text"]
    assert "512345678901" in shown["text"]
    assert "https://" in shown["text"]  # the carrier's tracking page
    assert any(NUMBER in body for body in _notes(bot_server, handover["case_reference"]))  # not the transcript


def test_three_failed_proofs_hand_the_chat_over_without_showing_the_order(
    bot_server: ChatServer, post_json: Post
) -> None:
    bot_server.shell(MAKE_ORDER)
    ws = _chat(bot_server, post_json)
    answers = [_say(ws, f"주문 조회 {NUMBER} 010-{n}{n}{n}{n}-{n}{n}{n}{n}", 2 * n - 1) for n in (1, 2, 3)]
    handover = ws.recv_until("handover")[0]
    ws.close()
    assert all("무선 이어폰" not in answer["text"] for answer in answers)
    assert all("찾지 못했어요" in answer["text"] for answer in answers[:2])
    assert "상담원" in answers[2]["text"]
    assert any("order_unverified" in body for body in _notes(bot_server, handover["case_reference"]))


def _notes(server: ChatServer, reference: str) -> list[str]:
    rows = server.rows(
        "SELECT m.body FROM cases_message m JOIN cases_case c ON c.id = m.case_id WHERE c.reference = ? "
        "AND m.kind = 'note'",
        (reference,),
    )
    return [body for (body,) in rows]
