"""The optional LLM against a local fake OpenAI-compatible server (real HTTP, the /v1/chat/completions shape)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from soridam.accounts.models import User
from soridam.bot.contract import Conversation
from soridam.bot.engine import reply
from soridam.bot.models import LlmTransferAcceptance
from soridam.kb.models import Article

QUESTION = "반품은 받은 날부터 며칠 안에 신청해야 하나요? 제 번호는 010-2958-6173이에요"


class FakeLlm:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.answer = "받은 날부터 14일 안에 신청하시면 됩니다 [1]."
        self.delay = 0.0


@pytest.fixture
def fake_llm(settings: Any) -> Iterator[FakeLlm]:
    fake = FakeLlm()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers["Content-Length"])
            fake.requests.append({"path": self.path, "body": json.loads(self.rfile.read(length))})
            fake.headers.append(dict(self.headers))
            time.sleep(fake.delay)
            payload = {"choices": [{"index": 0, "message": {"role": "assistant", "content": fake.answer}}]}
            data = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SORIDAM_BOT_LLM_URL = f"http://127.0.0.1:{server.server_address[1]}/v1"
    settings.SORIDAM_BOT_LLM_MODEL = "fake-model"
    settings.SORIDAM_BOT_LLM_KEY = "test-key"
    settings.SORIDAM_BOT_LLM_TIMEOUT_MS = 500
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def accepted(fake_llm: FakeLlm, settings: Any, root: User) -> LlmTransferAcceptance:
    return LlmTransferAcceptance.objects.create(endpoint=settings.SORIDAM_BOT_LLM_URL, accepted_by=root)


def test_off_until_the_transfer_notice_is_accepted(help_centre: list[Article], fake_llm: FakeLlm) -> None:
    answer = reply(Conversation(text=QUESTION))
    assert answer.outcome == "answered"
    assert fake_llm.requests == []
    assert "받은 날부터 14일 안에 신청할 수 있습니다" in answer.text  # the retrieval answer


def test_a_cited_answer_is_used_and_pii_is_masked_before_sending(
    help_centre: list[Article], fake_llm: FakeLlm, accepted: LlmTransferAcceptance
) -> None:
    answer = reply(Conversation(text=QUESTION))
    assert "14일 안에 신청하시면 됩니다 [1]" in answer.text
    assert answer.sources[0].article_id == help_centre[0].pk
    sent = fake_llm.requests[0]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["body"]["model"] == "fake-model"
    assert fake_llm.headers[0]["Authorization"] == "Bearer test-key"
    everything = json.dumps(sent["body"], ensure_ascii=False)
    assert "2958-6173" not in everything
    assert "받은 날부터 14일 안에 신청할 수 있습니다" in everything  # the passage it must write from


def test_an_uncited_answer_falls_back_to_retrieval(
    help_centre: list[Article], fake_llm: FakeLlm, accepted: LlmTransferAcceptance
) -> None:
    fake_llm.answer = "아마 30일 정도일 거예요."
    answer = reply(Conversation(text=QUESTION))
    assert len(fake_llm.requests) == 1
    assert "30일" not in answer.text
    assert "받은 날부터 14일 안에 신청할 수 있습니다" in answer.text


def test_a_timeout_falls_back_to_retrieval(
    help_centre: list[Article], fake_llm: FakeLlm, accepted: LlmTransferAcceptance
) -> None:
    fake_llm.delay = 1.5
    started = time.perf_counter()
    answer = reply(Conversation(text=QUESTION))
    assert time.perf_counter() - started < 1.4
    assert "받은 날부터 14일 안에 신청할 수 있습니다" in answer.text


def test_an_acceptance_for_another_address_does_not_count(
    help_centre: list[Article], fake_llm: FakeLlm, root: User
) -> None:
    LlmTransferAcceptance.objects.create(endpoint="https://llm.example.com/v1", accepted_by=root)
    reply(Conversation(text=QUESTION))
    assert fake_llm.requests == []


def test_the_admin_records_who_accepted_and_when(root: User, client: Any) -> None:
    client.force_login(root)
    response = client.post(
        "/admin/bot/llmtransferacceptance/add/", {"endpoint": "https://llm.example.com/v1"}, follow=True
    )
    assert response.status_code == 200
    accepted = LlmTransferAcceptance.objects.get()
    assert accepted.accepted_by == root
    assert accepted.notice  # the notice text as shown
    listing = client.get("/admin/bot/llmtransferacceptance/")
    assert "llm.example.com" in listing.content.decode()
    assert root.username in listing.content.decode()
