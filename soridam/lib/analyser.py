"""One Kiwi for the whole `make run` stack: a small process that analyses Korean for the others over a local socket.

Kiwi holds about 300 MiB once it has analysed its first sentence. Every process that searched, triaged or
indexed held its own copy (four in the default stack, 2.5 GB RSS in all; bench/README.md, "Memory"). The
supervisor now starts ``python -m soridam.lib.analyser SOCKET`` first and gives every other process
``SORIDAM_ANALYSER_SOCKET``; ``lib.kiwi.get_kiwi()`` then returns a ``RemoteKiwi`` that asks this process.
Without the setting (tests, management commands, a single process) each process builds its own Kiwi as before.

This process imports neither Django nor the apps: it is Kiwi and a socket server. A frame is a 4-byte big-endian
length and that many bytes of UTF-8 JSON: the request is a list of texts, the answer one list of
``[form, tag, start]`` per text. Each connection is served by a thread of its own, and one connection serves one
thread of a client, so a web worker's threads never wait on each other's answers. Kiwi releases the GIL while it
analyses, so two clients are analysed on two cores.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import socketserver
import struct
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

HEADER = struct.Struct(">I")
MAX_FRAME = 64 * 1024 * 1024  # a batch of long texts fits; a corrupt length does not make us allocate gigabytes
CONNECT_SECONDS = 60.0  # a client started with the analyser waits this long for it to listen (Kiwi takes ~2 s)
# Kiwi loads the rest of its model on its first analysis (about 100 of its 300 MiB): warming analyses this.
WARM_SENTENCE = "주문한 상품이 일주일째 오지 않습니다"


def new_kiwi(*, multi_word_dict: bool) -> Any:
    """A Kiwi of this process's own (kiwipiepy is imported here, not at import: light processes never load it)."""
    from kiwipiepy import Kiwi

    return Kiwi(load_multi_dict=multi_word_dict)


class Token(NamedTuple):
    """The part of kiwipiepy's Token that Soridam reads."""

    form: str
    tag: str
    start: int


class AnalyserUnavailable(RuntimeError):
    """The analyser process did not answer: search, triage and indexing cannot analyse Korean."""


def send_frame(connection: socket.socket, payload: Any) -> None:
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    connection.sendall(HEADER.pack(len(data)) + data)


def receive_frame(connection: socket.socket) -> Any:
    """The next frame's JSON, or None when the peer closed the connection between frames."""
    header = _receive_exactly(connection, HEADER.size)
    if header is None:
        return None
    (length,) = HEADER.unpack(header)
    if length > MAX_FRAME:
        raise ValueError(f"frame of {length} bytes is larger than {MAX_FRAME}")
    data = _receive_exactly(connection, length) if length else b""
    if data is None:
        raise ConnectionError("the connection closed inside a frame")
    return json.loads(data)


def _receive_exactly(connection: socket.socket, size: int) -> bytes | None:
    chunks, received = [], 0
    while received < size:
        chunk = connection.recv(size - received)
        if not chunk:
            if received:
                raise ConnectionError("the connection closed inside a frame")
            return None
        chunks.append(chunk)
        received += len(chunk)
    return b"".join(chunks)


def analyse(kiwi: Any, texts: Sequence[str]) -> list[list[list[Any]]]:
    return [[[token.form, token.tag, token.start] for token in kiwi.tokenize(text)] for text in texts]


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        kiwi = self.server.kiwi  # type: ignore[attr-defined]
        with contextlib.suppress(ConnectionError, ValueError):  # a client that went away, or a bad frame: drop it
            while (texts := receive_frame(self.request)) is not None:
                if not isinstance(texts, list) or not all(isinstance(text, str) for text in texts):
                    return
                send_frame(self.request, analyse(kiwi, texts))


class _Server(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True  # a stop does not wait for idle client connections


def serve(path: str, kiwi: Any, ready: threading.Event | None = None) -> _Server:
    """Listen on `path` (replacing a stale socket file) and serve in the calling thread until shut down."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    server = _Server(path, _Handler)
    server.kiwi = kiwi  # type: ignore[attr-defined]
    os.chmod(path, 0o600)  # only this user's processes may ask
    if ready is not None:
        ready.set()
    return server


class RemoteKiwi:
    """What ``lib.kiwi`` uses of Kiwi (``tokenize``), answered by the analyser process at `path`."""

    def __init__(self, path: str, connect_seconds: float = CONNECT_SECONDS) -> None:
        self.path = path
        self.connect_seconds = connect_seconds
        self._local = threading.local()  # one connection per thread: a frame's answer is the thread's own

    def tokenize(self, text: str | Iterable[str]) -> list[Token] | list[list[Token]]:
        """Like Kiwi's: a list of tokens for one text, a list of lists for an iterable of texts."""
        if isinstance(text, str):
            return self.analyse([text])[0]
        return self.analyse(list(text))

    def analyse(self, texts: list[str]) -> list[list[Token]]:
        try:
            answer = self._ask(texts)
        except (OSError, ConnectionError):
            self._close()  # the analyser restarted, or the connection broke: one fresh try
            answer = self._ask(texts)
        return [[Token(form, tag, start) for form, tag, start in tokens] for tokens in answer]

    def _ask(self, texts: list[str]) -> Any:
        connection = self._connection()
        send_frame(connection, texts)
        answer = receive_frame(connection)
        if answer is None:
            raise ConnectionError("the analyser closed the connection")
        return answer

    def _connection(self) -> socket.socket:
        connection: socket.socket | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._connect()
            self._local.connection = connection
        return connection

    def _connect(self) -> socket.socket:
        deadline = time.monotonic() + self.connect_seconds
        while True:
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                connection.connect(self.path)
                return connection
            except OSError as error:
                connection.close()
                if time.monotonic() >= deadline:
                    raise AnalyserUnavailable(f"no Korean analyser at {self.path}: {error}") from error
                time.sleep(0.1)

    def _close(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            connection.close()


def main(argv: Sequence[str]) -> int:
    """``SOCKET``: build Kiwi, warm it with one sentence (its first analysis loads the rest of the model), serve."""
    from soridam.env import env_bool

    kiwi = new_kiwi(multi_word_dict=env_bool("SORIDAM_KIWI_MULTI_WORD_DICT", False))
    kiwi.tokenize(WARM_SENTENCE)
    server = serve(argv[0], kiwi)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(argv[0])
    return 0


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))  # the supervisor's stop: unlink, then exit
    sys.exit(main(sys.argv[1:]))
