"""Live chat under load: N concurrent widget sockets, one message a second each, a forced reconnect of every
socket half-way, and the database's count of what was stored (issue 14's acceptance).

    .venv/bin/python bench/chat.py                      # 1,000 sockets for 60 s, after a 100-socket baseline
    .venv/bin/python bench/chat.py --sessions 100 --seconds 10 --baseline-sessions 20   # a short try

What runs: granian WSGI (the session API, POST /api/v1/chat/sessions) and granian asginl (the sockets,
soridam.asgi) on PostgreSQL, as `make run` serves them. SORIDAM_CHAT_RESPONDER="" and no task worker: the
bench measures the channel (store, ack, push), not the bot; each stored message still queues its (here
unrun) task row, as in production. RATE_LIMIT_CHAT is raised through the environment so that one address
may open all the sessions; RATE_LIMIT_CHAT_MESSAGES keeps its default (120 a minute a session, above 1/s).

The client is one asyncio process speaking RFC 6455 itself (no client library is installed). Each visitor
sends ``{"type": "message", "client_id", "text"}`` once a second at its own phase of the second; the ack
latency is from the send to the ack. Some chats are handed over to a case first and an agent's workspace
socket (/ws/agent/?case=) is open on each: the fan-out latency is from the visitor's send to the frame on
the agent's socket. Half-way every visitor socket is aborted right after a send (its ack may be lost), then
reconnects with ``resume`` from the last seq it saw and resends every unacknowledged message with the same
client_id. ``--reconnect widget`` (the default) reconnects after the widget's first retry delay, 0.5-1.5 s
(``RETRY_DELAY``), and the messages due while the socket is down wait in ``unacked`` as in the widget's
``pending``; ``--reconnect immediate`` reconnects every socket at once. Resent messages (and those sent while
down) are left out of the latencies. At the end the database is counted: every
client_id sent must be stored exactly once. The baseline is a smaller load in the same run (there is no
older chat code to compare with); the machine is shared, so the load averages are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import random
import secrets
import struct
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    GRANIAN,
    ROOT,
    Client,
    bench_env,
    cpu_seconds,
    ensure_database,
    free_port,
    machine_note,
    manage,
    ms,
    percentile,
    served,
    stop_group,
    table,
)

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/soridam_bench_chatbench"
ORIGIN = "http://shop.bench"
ASGI_APP = os.environ.get("BENCH_ASGI_APP", "soridam.asgi:application")  # a wrapper, e.g. to profile
OPENERS = 8  # concurrent session openings (HTTP) before a level starts
SLOW = 0.1  # an ack slower than the target's p99: when such acks were sent is printed per second of the run
SETTLE_SECONDS = 15  # after the last send: time for the last acks and fan-out frames
RECONNECT_MODES = ("widget", "immediate")


def widget_retry_delay(attempts: int = 1) -> float:
    """Seconds before the widget's retry number ``attempts``, as soridam/channels/chat/static/chat/widget.js
    waits in ``ws.onclose``: ``Math.min(30000, 500 * Math.pow(2, attempts)) * (0.5 + Math.random())`` ms, with
    ``attempts`` 1 on the first retry (0.5-1.5 s, jittered so that a server restart is not met by every widget
    at once)."""
    return min(30000, 500 * 2**attempts) * (0.5 + random.random()) / 1000  # noqa: S311 - jitter, not a secret


class Closed(Exception):
    pass


class Socket:
    """A WebSocket client on asyncio streams: the handshake, masked text frames out, text frames in."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int, target: str, *, origin: str, cookie: str = "") -> Socket:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET {target} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket", "Connection: Upgrade"]
        lines += [f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13", f"Origin: {origin}"]
        if cookie:
            lines.append(f"Cookie: {cookie}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        if " 101 " not in head.split("\r\n", 1)[0]:
            writer.close()
            raise Closed(head.split("\r\n", 1)[0])
        return cls(reader, writer)

    def send(self, frame: dict[str, Any]) -> None:
        payload = json.dumps(frame).encode()
        length = len(payload)
        header = bytes([0x81]) + (
            bytes([0x80 | length]) if length < 126 else bytes([0x80 | 126]) + struct.pack("!H", length)
        )
        mask = os.urandom(4)
        key = int.from_bytes((mask * (length // 4 + 1))[:length], "big")
        masked = (int.from_bytes(payload, "big") ^ key).to_bytes(length, "big")
        self.writer.write(header + mask + masked)

    async def recv(self) -> dict[str, Any]:
        """The next JSON text frame; answers pings; Closed on a close frame or a dropped connection."""
        try:
            while True:
                first, second = await self.reader.readexactly(2)
                opcode, length = first & 0x0F, second & 0x7F
                if length == 126:
                    (length,) = struct.unpack("!H", await self.reader.readexactly(2))
                elif length == 127:
                    (length,) = struct.unpack("!Q", await self.reader.readexactly(8))
                payload = await self.reader.readexactly(length)
                if opcode == 0x8:
                    raise Closed("close frame")
                if opcode == 0x1:
                    frame: dict[str, Any] = json.loads(payload)
                    return frame
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            raise Closed(str(exc)) from None

    def abort(self) -> None:
        self.writer.transport.abort()


@dataclass
class Ledger:
    """What the client sent, got acked and saw, for one load level."""

    first_sent: dict[str, float] = field(default_factory=dict)  # client_id -> when it was first sent
    resent: set[str] = field(default_factory=set)
    acked: set[str] = field(default_factory=set)
    ack_latencies: list[float] = field(default_factory=list)
    slow_acks: list[tuple[float, float]] = field(default_factory=list)  # (when sent, latency) of acks over SLOW
    fanout_latencies: list[float] = field(default_factory=list)
    duplicate_frames: int = 0  # a frame whose seq was already shown (a resume re-sends; the widget skips it)
    late_frames: int = 0  # a frame shown after one with a higher seq (a resume filling a gap behind a push)
    agent_duplicate_frames: int = 0  # a frame an agent's socket had already shown
    reconnects: int = 0
    start: float = 0.0  # when the first second of sending began
    asgi_cpu: list[tuple[float, float]] = field(default_factory=list)  # (when, ASGI workers' CPU seconds so far)
    errors: list[str] = field(default_factory=list)


@dataclass
class Visitor:
    session_id: str
    target: str  # /ws/chat/?token=…
    ledger: Ledger
    socket: Socket | None = None
    reader: asyncio.Task[None] | None = None
    last_seq: int = 0
    seen: set[int] = field(default_factory=set)  # the seqs of the frames shown
    unacked: dict[str, str] = field(default_factory=dict)  # client_id -> text

    async def connect(self, port: int) -> None:
        self.socket = await Socket.open(port, self.target, origin=ORIGIN)
        self.reader = asyncio.get_running_loop().create_task(self._read(self.socket))
        self.socket.send({"type": "resume", "after": self.last_seq})  # as the widget does, on every connect

    async def _read(self, socket: Socket) -> None:
        ledger = self.ledger
        while True:
            try:
                frame = await socket.recv()
            except Closed:
                return
            now = time.perf_counter()
            kind = frame.get("type")
            if kind == "ack":
                client_id = frame["client_id"]
                if self.unacked.pop(client_id, None) is not None and client_id not in ledger.resent:
                    latency = now - ledger.first_sent[client_id]
                    ledger.ack_latencies.append(latency)
                    if latency > SLOW:
                        ledger.slow_acks.append((ledger.first_sent[client_id], latency))
                ledger.acked.add(client_id)
            elif kind in ("message", "handover"):
                if frame["seq"] in self.seen:  # shown before; a lower seq arriving late is not a duplicate
                    ledger.duplicate_frames += 1
                elif frame["seq"] < self.last_seq:
                    ledger.late_frames += 1
                self.last_seq = max(self.last_seq, frame["seq"])
                self.seen.add(frame["seq"])
            elif kind == "error":
                ledger.errors.append(str(frame.get("code")))

    def send(self, client_id: str, text: str) -> None:
        self.unacked[client_id] = text
        if self.socket is not None:
            self.socket.send({"type": "message", "client_id": client_id, "text": text})

    async def reconnect(self, port: int, delay: float = 0.0) -> None:
        """Drop the connection as a network failure would, wait ``delay`` seconds (messages sent meanwhile stay
        in ``unacked``), then resume and resend what was not acked."""
        assert self.socket is not None
        assert self.reader is not None
        self.socket.abort()
        await self.reader
        self.socket = None
        await asyncio.sleep(delay)
        self.ledger.reconnects += 1
        await self.connect(port)
        assert self.socket is not None
        for client_id, text in list(self.unacked.items()):
            self.ledger.resent.add(client_id)
            self.socket.send({"type": "message", "client_id": client_id, "text": text})

    async def close(self) -> None:
        if self.socket is not None:
            self.socket.abort()
        if self.reader is not None:
            await self.reader


async def run_visitor(visitor: Visitor, port: int, start: float, seconds: int, phase: float, mode: str) -> None:
    """One message a second; half-way the socket is dropped and reconnects (``mode``: RECONNECT_MODES) while
    the seconds go on."""
    ledger = visitor.ledger
    reconnect_tick = seconds // 2
    reconnecting: asyncio.Task[None] | None = None
    for tick in range(seconds):
        await asyncio.sleep(max(0.0, start + phase + tick - time.perf_counter()))
        client_id = str(uuid.uuid4())
        ledger.first_sent[client_id] = time.perf_counter()
        if visitor.socket is None:  # down: the widget keeps it in ``pending`` and sends it on reconnect
            ledger.resent.add(client_id)
        visitor.send(client_id, f"bench {client_id}")
        if tick == reconnect_tick:
            delay = widget_retry_delay() if mode == "widget" else 0.0
            reconnecting = asyncio.get_running_loop().create_task(visitor.reconnect(port, delay))
            if mode == "immediate":
                await reconnecting
    if reconnecting is not None:
        await reconnecting


async def run_agent(socket: Socket, ledger: Ledger) -> None:
    """An agent's case page: every visitor message that reaches it, timed from the visitor's first send."""
    socket.send({"type": "resume", "after": 0})
    seen: set[int] = set()
    while True:
        try:
            frame = await socket.recv()
        except Closed:
            return
        if frame.get("type") in ("message", "handover"):
            ledger.agent_duplicate_frames += frame["seq"] in seen
            seen.add(frame["seq"])
        text = str(frame.get("text", ""))
        if frame.get("type") == "message" and text.startswith("bench "):
            client_id = text[len("bench ") :]
            if client_id in ledger.first_sent and client_id not in ledger.resent:
                ledger.fanout_latencies.append(time.perf_counter() - ledger.first_sent[client_id])


HANDOVER = """
import json, sys
from django.test import Client
from soridam.accounts.models import Role, User
from soridam.channels.chat.conversation import hand_over
from soridam.channels.chat.models import ChatSession
user, _ = User.objects.get_or_create(username="bench-agent", defaults={"role": Role.ADMIN, "first_name": "Bench"})
client = Client()
client.force_login(user)
cases = []
for public_id in json.loads(sys.stdin.read()):
    session = ChatSession.objects.get(public_id=public_id)
    hand_over(session.pk, intent="", reason="bench")
    session.refresh_from_db()
    cases.append(session.case_id)
print(json.dumps({"cookie": "sessionid=" + client.cookies["sessionid"].value, "cases": cases}))
"""


def hand_over_and_login(env: dict[str, str], session_ids: list[str]) -> tuple[str, list[int]]:
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", HANDOVER],
        cwd=ROOT,
        env=env,
        input=json.dumps(session_ids),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"handing over failed:\n{done.stderr[-3000:]}")
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    return answer["cookie"], answer["cases"]


def open_sessions(web_port: int, count: int) -> list[tuple[str, str]]:
    """(session_id, socket path) of ``count`` new chats, through the public API as the widget opens them."""

    def open_some(indexes: range) -> list[tuple[str, str]]:
        client = Client(web_port, headers={"Origin": ORIGIN, "Content-Type": "application/json"})
        opened = []
        for index in indexes:
            answer = client.request("POST", "/api/v1/chat/sessions", json.dumps({"name": f"방문자{index}"}).encode())
            if answer.status != 201:
                raise SystemExit(f"opening a chat session failed: {answer.status} {answer.body[:300]!r}")
            body = answer.json()
            opened.append((body["session_id"], "/ws/chat/" + body["ws_url"].split("/ws/chat/", 1)[1]))
        return opened

    with ThreadPoolExecutor(OPENERS) as pool:  # a few at a time: the setup is not what is measured
        parts = pool.map(open_some, (range(start, count, OPENERS) for start in range(OPENERS)))
        return [session for part in parts for session in part]


@dataclass
class Level:
    sessions: int
    agents: int
    ledger: Ledger
    session_ids: list[str]
    open_seconds: float
    peak_rss: dict[str, float]
    load: tuple[float, float]  # 1-minute load average at the start and at the end
    missed_frames: int  # seqs below a visitor's newest that its socket never showed
    cpu: dict[str, float]  # CPU seconds over the sending and settling: ASGI workers, PostgreSQL, this client
    tree: str = "branch"


async def run_level(
    env: dict[str, str],
    web_port: int,
    ws_port: int,
    sessions: int,
    agents: int,
    seconds: int,
    pids: dict[str, int],
    mode: str = "widget",
) -> Level:
    """One load level against the ASGI server on ``ws_port`` (its processes: ``pids``)."""
    load_start = os.getloadavg()[0]
    started = time.perf_counter()
    opened = open_sessions(web_port, sessions)
    cookie, cases = hand_over_and_login(env, [session_id for session_id, _ in opened[:agents]])
    ledger = Ledger()
    visitors = [Visitor(session_id, target, ledger) for session_id, target in opened]
    for batch in range(0, len(visitors), 100):  # a burst of handshakes no larger than a listen backlog
        await asyncio.gather(*(visitor.connect(ws_port) for visitor in visitors[batch : batch + 100]))
    web_origin = f"http://127.0.0.1:{web_port}"
    agent_sockets = [
        await Socket.open(ws_port, f"/ws/agent/?case={case}", origin=web_origin, cookie=cookie) for case in cases
    ]
    open_seconds = time.perf_counter() - started
    agent_tasks = [asyncio.create_task(run_agent(socket, ledger)) for socket in agent_sockets]
    rss = {name: 0.0 for name in pids}
    sampler = asyncio.create_task(sample_processes(pids, rss, ledger.asgi_cpu))
    cpu_before = cpu_now(env["DATABASE_URL"], pids)
    start = ledger.start = time.perf_counter() + 1
    await asyncio.gather(
        *(
            run_visitor(visitor, ws_port, start, seconds, index / len(visitors), mode)
            for index, visitor in enumerate(visitors)
        )
    )
    settle_until = time.perf_counter() + SETTLE_SECONDS
    while time.perf_counter() < settle_until and any(visitor.unacked for visitor in visitors):
        await asyncio.sleep(0.2)
    await asyncio.sleep(1)  # the last fan-out frames
    cpu_after = cpu_now(env["DATABASE_URL"], pids)
    cpu = {name: cpu_after[name] - cpu_before.get(name, 0.0) for name in cpu_after}
    for visitor in visitors:
        await visitor.close()
    for socket in agent_sockets:
        socket.abort()
    await asyncio.gather(*agent_tasks)
    sampler.cancel()
    rss["bench client"] = rss_mib(os.getpid())
    ids = [session_id for session_id, _ in opened]
    missed = sum(visitor.last_seq - len(visitor.seen) for visitor in visitors)
    load = (load_start, os.getloadavg()[0])
    return Level(sessions, len(cases), ledger, ids, open_seconds, rss, load, missed, cpu)


def cpu_now(database_url: str, pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds (user + system) used so far by the ASGI workers, the database's backends (those of the
    benchmark database; a backend gone between two readings is lost, and CONN_MAX_AGE keeps them) and this
    client."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        backends = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    asgi = sum(cpu_seconds(pid) for name, pid in pids.items() if "worker" in name)
    postgres = sum(cpu_seconds(pid) for (pid,) in backends)
    return {"asgi": asgi, "postgres": postgres, "client": time.process_time()}


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


async def sample_processes(pids: dict[str, int], peak: dict[str, float], cpu: list[tuple[float, float]]) -> None:
    """The peak RSS of each process, and the ASGI workers' CPU time once a second (where a stall spent it)."""
    while True:
        for name, pid in pids.items():
            peak[name] = max(peak[name], rss_mib(pid))
        cpu.append((time.perf_counter(), sum(cpu_seconds(pid) for name, pid in pids.items() if "worker" in name)))
        await asyncio.sleep(1)


def stored_counts(database_url: str, session_ids: list[str]) -> dict[str, int]:
    """client_id -> how many rows the database holds for it, over the level's sessions."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT m.client_id::text, count(*) FROM chat_chatmessage m JOIN chat_chatsession s ON s.id = m.session_id"
            " WHERE s.public_id = ANY(%s::uuid[]) AND m.client_id IS NOT NULL GROUP BY m.client_id",
            [session_ids],
        ).fetchall()
    return {client_id: count for client_id, count in rows}


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


@contextmanager
def asgi_served(env: dict[str, str], port: int, workers: int, tree: Path = ROOT) -> Iterator[subprocess.Popen[bytes]]:
    """granian asginl serving ``tree`` (this one, or a baseline's ``git archive`` with its ``.venv`` link)."""
    granian = tree / ".venv" / "bin" / "granian"
    command = [str(granian) if granian.exists() else GRANIAN, "--interface", "asginl", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers), "--backlog", "2048", "--log-level", "warning", ASGI_APP]
    process = subprocess.Popen(command, cwd=tree, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"the ASGI server exited with {process.returncode}")
            try:
                asyncio.run(_probe(port))
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("the ASGI server did not start within 60 s") from None
                time.sleep(0.2)
        yield process
    finally:
        stop_group(process)


async def _probe(port: int) -> None:
    _reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.close()


def summary_row(level: Level, stored: dict[str, int]) -> list[object]:
    ledger = level.ledger
    sent = set(ledger.first_sent)
    lost = len(ledger.acked - set(stored))  # acknowledged yet not in the database: the protocol's promise broken
    unstored = len(sent - set(stored))  # still unacknowledged when the client gave up (SETTLE_SECONDS)
    duplicated = sum(count - 1 for count in stored.values() if count > 1) + len(set(stored) - sent)
    acks, fanout = ledger.ack_latencies, ledger.fanout_latencies
    per_message = 1000 / max(1, len(stored))  # ms of CPU per message stored
    return [
        level.tree,
        level.sessions,
        level.agents,
        len(sent),
        len(ledger.resent),
        f"{len(ledger.acked)}/{len(sent)}",
        ms(percentile(acks, 0.5)),
        ms(percentile(acks, 0.99)),
        ms(max(acks, default=float("nan"))),
        ms(percentile(fanout, 0.5)),
        ms(percentile(fanout, 0.99)),
        len(fanout),
        ledger.reconnects,
        lost,
        unstored,
        duplicated,
        level.missed_frames,
        ledger.duplicate_frames,
        ledger.late_frames,
        ledger.agent_duplicate_frames,
        len(ledger.errors),
        f"{level.cpu['asgi'] * per_message:.2f}",
        f"{level.cpu['postgres'] * per_message:.2f}",
        f"{level.cpu['client'] * per_message:.2f}",
        f"{level.load[0]:.2f} → {level.load[1]:.2f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--baseline-sessions", type=int, default=100, help="the smaller load first; 0: none")
    parser.add_argument("--agents", type=int, default=50, help="chats handed over, each with an agent socket")
    parser.add_argument("--asgi-workers", type=int, default=1, help="granian asginl workers (make run: 1)")
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--baseline-tree", help="another source tree (git archive + .venv link) served in turn")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each level and tree, alternating the order")
    parser.add_argument(
        "--reconnect",
        choices=RECONNECT_MODES,
        default="widget",
        help="widget: after widget.js's first retry delay (0.5-1.5 s, jittered); immediate: every socket at once",
    )
    args = parser.parse_args()
    if args.seconds < 2:
        raise SystemExit("--seconds must be at least 2 (the reconnect is half-way)")

    ensure_database(args.database_url, fresh=True)
    ws_port = free_port()
    env = bench_env(
        args.database_url,
        SECRET_KEY=secrets.token_urlsafe(50),  # one key for every tree served: each signs with var/secret_key else
        RATE_LIMIT_CHAT="10000000",
        SORIDAM_CHAT_RESPONDER="",
        SORIDAM_CHAT_ALLOWED_ORIGINS=ORIGIN,
        SORIDAM_CHAT_WS_URL=f"ws://127.0.0.1:{ws_port}/ws/chat/",
        SORIDAM_WARMUP="false",
        SORIDAM_ANALYSER="false",
        SORIDAM_SEARCH_EMBEDDINGS="false",
    )
    manage(env, "createcachetable")
    levels = [n for n in (args.baseline_sessions, args.sessions) if n > 0]
    trees = [("branch", ROOT)]
    if args.baseline_tree:
        trees.append(("baseline", Path(args.baseline_tree).resolve()))
    results = []
    with served(env) as web_port:
        for sessions in levels:
            for round_ in range(args.rounds):
                for name, tree in trees if round_ % 2 == 0 else trees[::-1]:  # alternate which goes first
                    results.append(run_served(env, web_port, ws_port, args, sessions, name, tree))
    report(args, results)


def run_served(
    env: dict[str, str], web_port: int, ws_port: int, args: argparse.Namespace, sessions: int, name: str, tree: Path
) -> Level:
    """One level against a fresh ASGI server of ``tree`` (each level and tree starts from an idle process)."""
    with asgi_served(env, ws_port, args.asgi_workers, tree) as asgi:
        pids = {"granian asginl (supervisor)": asgi.pid}
        pids.update({f"granian asginl worker {i + 1}": pid for i, pid in enumerate(children_of(asgi.pid))})
        agents = min(args.agents, sessions)
        level = asyncio.run(run_level(env, web_port, ws_port, sessions, agents, args.seconds, pids, args.reconnect))
    level.tree = name
    print(f"{name}, {sessions} sessions: opened in {level.open_seconds:.1f} s, ran {args.seconds} s", file=sys.stderr)
    row = summary_row(level, stored_counts(args.database_url, level.session_ids))
    print(f"acks over {SLOW * 1000:.0f} ms by second of sending: {slow_by_second(level.ledger)}", file=sys.stderr)
    print(f"ASGI CPU ms in each second of sending: {cpu_by_second(level.ledger)}", file=sys.stderr)
    print(" | ".join(str(cell) for cell in row), f"| RSS {level.peak_rss}", file=sys.stderr)  # if a later level fails
    return level


def slow_by_second(ledger: Ledger) -> dict[int, int]:
    """How many slow acks were sent in each second of the run: a stall shows as a run of seconds."""
    seconds: dict[int, int] = {}
    for sent, _latency in ledger.slow_acks:
        second = int(sent - ledger.start)
        seconds[second] = seconds.get(second, 0) + 1
    return dict(sorted(seconds.items()))


def cpu_by_second(ledger: Ledger) -> list[int]:
    samples = [(when - ledger.start, used) for when, used in ledger.asgi_cpu if when >= ledger.start]
    return [round((b - a) * 1000 / (tb - ta)) for (ta, a), (tb, b) in zip(samples, samples[1:], strict=False)]


def report(args: argparse.Namespace, results: list[Level]) -> None:
    when = "after widget.js's first retry delay, 0.5-1.5 s" if args.reconnect == "widget" else "at once"
    print(
        f"## Live chat: {args.seconds} s, 1 message/s per socket, a forced reconnect of every socket half-way"
        f" (--reconnect {args.reconnect}: {when})\n"
    )
    print(machine_note())
    print(f"PostgreSQL {args.database_url.rsplit('/', 1)[1]}; {args.asgi_workers} granian asginl worker(s);")
    print('SORIDAM_CHAT_RESPONDER="" and no task worker (the channel, not the bot); RATE_LIMIT_CHAT raised.\n')
    headers = [
        "tree",
        "sockets",
        "agent sockets",
        "sent",
        "resent",
        "acked",
        "ack p50 ms",
        "ack p99 ms",
        "ack max ms",
        "fan-out p50 ms",
        "fan-out p99 ms",
        "fan-out n",
        "reconnects",
        "acked, not in DB",
        "never stored",
        "duplicated (DB)",
        "frames missed",
        "frames shown twice",
        "frames late",
        "agent frames twice",
        "errors",
        "ASGI CPU ms/msg",
        "PostgreSQL CPU ms/msg",
        "client CPU ms/msg",
        "load 1-min",
    ]
    rows = [summary_row(level, stored_counts(args.database_url, level.session_ids)) for level in results]
    print(table(headers, rows))
    print("\nPeak RSS per process (MiB) while the sockets were open:\n")
    names = list(dict.fromkeys(name for level in results for name in level.peak_rss))
    rss_rows = [[name, *(f"{level.peak_rss.get(name, 0):.0f}" for level in results)] for name in names]
    print(table(["process", *(f"{level.tree}, {level.sessions} sockets" for level in results)], rss_rows))
    errors = [code for level in results for code in level.ledger.errors]
    if errors:
        print(f"\nerror frames: {sorted(set(errors))}")


if __name__ == "__main__":
    main()
