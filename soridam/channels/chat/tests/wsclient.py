"""A small RFC 6455 WebSocket client for the tests (no client library is installed): a real handshake,
masked frames out, close codes in. Enough for JSON text frames; it is a client, not a fake server."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import socket
import struct
from typing import Any

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Closed(Exception):
    def __init__(self, code: int | None) -> None:
        super().__init__(f"closed with {code}")
        self.code = code


class HandshakeRefused(Exception):
    pass


class WebSocket:
    # 30 s: the first frame may wait for a task worker that is still starting on a loaded machine.
    def __init__(self, url: str, *, origin: str, timeout: float = 30.0, cookie: str = "") -> None:
        assert url.startswith("ws://"), url
        rest = url[len("ws://") :]
        hostport, _slash, target = rest.partition("/")
        host, _colon, port = hostport.partition(":")
        self.sock = socket.create_connection((host, int(port or 80)), timeout=timeout)
        self._buffer = b""
        self._handshake(hostport, "/" + target, origin, cookie)

    def _handshake(self, hostport: str, target: str, origin: str, cookie: str) -> None:
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            f"GET {target} HTTP/1.1",
            f"Host: {hostport}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
        ]
        if origin:
            lines.append(f"Origin: {origin}")
        if cookie:
            lines.append(f"Cookie: {cookie}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = self._read_until(b"\r\n\r\n").decode("latin-1")
        status = head.split("\r\n", 1)[0]
        if " 101 " not in status:
            raise HandshakeRefused(status)
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()  # noqa: S324 - RFC 6455
        assert f"sec-websocket-accept: {accept}".lower() in head.lower()

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self._buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Closed(None)
            self._buffer += chunk
        head, _sep, self._buffer = self._buffer.partition(marker)
        return head

    def _read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Closed(None)
            self._buffer += chunk
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        header = bytes([0x80 | opcode])
        length = len(payload)
        if length < 126:
            header += bytes([0x80 | length])
        elif length < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", length)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", length)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send(self, frame: dict[str, Any]) -> None:
        self._send_frame(0x1, json.dumps(frame, ensure_ascii=False).encode())

    def send_raw(self, text: str) -> None:
        self._send_frame(0x1, text.encode())

    def recv(self) -> dict[str, Any]:
        """The next JSON text frame; answers pings; raises Closed with the close code."""
        while True:
            first, second = self._read(2)
            opcode, length = first & 0x0F, second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", self._read(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", self._read(8))
            payload = self._read(length)
            if opcode == 0x8:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                raise Closed(code)
            if opcode == 0x9:
                self._send_frame(0xA, payload)
                continue
            if opcode == 0x1:
                decoded: dict[str, Any] = json.loads(payload.decode())
                return decoded

    def recv_until(self, wanted: str, **match: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Frames up to the first of type ``wanted`` with the given fields; returns it and all frames seen."""
        seen = []
        while True:
            frame = self.recv()
            seen.append(frame)
            if frame.get("type") == wanted and all(frame.get(k) == v for k, v in match.items()):
                return frame, seen

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._send_frame(0x8, struct.pack("!H", 1000))
        self.sock.close()
