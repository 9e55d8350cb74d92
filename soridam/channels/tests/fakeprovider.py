"""A local HTTP server standing in for a provider's API in tests: it records every request as it arrived
(method, path, headers, raw body, time) and answers from a script, so a transport is tested over real HTTP
against the provider's documented request shapes, never against a mock of the protocol.

    with FakeProvider() as fake:
        fake.script("/bot123:abc/sendMessage", (429, {"Retry-After": "2"}, b"{}"), (200, {}, b'{"ok": true}'))
        ... account.options = {"api_base": fake.url} ...
        assert fake.requests[0].json()["chat_id"] == "42"
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = tuple[int, dict[str, str], bytes]
OK: Reply = (200, {"Content-Type": "application/json"}, b'{"ok": true}')


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() when it arrived

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str:
        return next((value for key, value in self.headers.items() if key.lower() == name.lower()), "")


class FakeProvider:
    def __init__(self, default: Reply | Callable[[Recorded], Reply] = OK) -> None:
        self.requests: list[Recorded] = []
        self._scripts: dict[str, deque[Reply]] = defaultdict(deque)
        self._default = default
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, path: str, *replies: Reply) -> None:
        """The next answers to ``path`` (a path without the query), in order; then the default."""
        with self._lock:
            self._scripts[path].extend(replies)

    def to(self, path: str) -> list[Recorded]:
        return [request for request in self.requests if request.path.split("?")[0] == path]

    def __enter__(self) -> FakeProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, request: Recorded) -> Reply:
        with self._lock:
            self.requests.append(request)
            queued = self._scripts.get(request.path.split("?")[0])
            if queued:
                return queued.popleft()
        return self._default(request) if callable(self._default) else self._default

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                recorded = Recorded(self.command, self.path, dict(self.headers.items()), body, time.monotonic())
                status, headers, payload = fake._answer(recorded)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
                pass

        return Handler
