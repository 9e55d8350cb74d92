"""CPU of the server's calls when every widget reconnects at once, per socket, this tree against a baseline's.

    .venv/bin/python bench/chat_reconnect_cpu.py --baseline-tree /tmp/base [--sockets 1000] [--pairs 3]

A reconnect of N sockets costs the ASGI process, besides the handshakes themselves: N token checks
(``tokens.sessions_for``, one batch), N resume reads (``store.transcripts``, one batch; most sockets have
one frame they missed, the echo of the message sent as the connection dropped; after a server restart most
have none), N resends de-duplicated by client_id (``store.receive_many``) and N channel names
(``channel_layer.new_channel``). Besides the reconnect, the steady state's group commit: a new message of each
socket stored in one commit (a backlog) and five to a commit (a quiet second), each client_id new (``uuid4``
counted). Each is called as the batches call it, all N at once, in a fresh process of
each tree against the same PostgreSQL database, ``time.process_time`` around the call (the database's own CPU
is not counted), alternating the trees ``--pairs`` times; the table has the median of the pairs, in us a socket.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, ROOT, bench_env, ensure_database, machine_note, table  # noqa: E402 - path tweak

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/soridam_bench_chatreconnect"

SETUP = """
import os, uuid
from datetime import timedelta
from django.utils import timezone
from soridam.channels.chat import store
from soridam.channels.chat.models import ChatSession
for n in range(int(os.environ["BENCH_SOCKETS"])):
    session = ChatSession.objects.create(name=f"방문자{n}", expires_at=timezone.now() + timedelta(hours=2))
    for m in range(3):
        store.store_customer_message(session.pk, uuid.uuid4(), f"bench {n} {m}")
"""

MEASURE = """
import asyncio, json, os, time, uuid
from django.conf import settings
from django.test import override_settings
from channels.layers import get_channel_layer
from soridam.channels.chat import store, tokens
from soridam.channels.chat.models import ChatMessage, ChatSession

sessions = list(ChatSession.objects.order_by("pk")[: int(os.environ["BENCH_SOCKETS"])])
last = {}
for message in ChatMessage.objects.filter(session__in=sessions).order_by("session_id", "seq"):
    last[message.session_id] = message
limits = {**settings.SORIDAM_RATE_LIMITS, "chat_message": 10**9}
layer = get_channel_layer()
def _new_messages(session_ids):
    return store.receive_many([store.Inbound(pk, uuid.uuid4(), "bench") for pk in session_ids])
calls = {
    "token checks (tokens.sessions_for)": (tokens.sessions_for, [tokens.issue(s) for s in sessions]),
    "resume reads, one frame missed each (store.transcripts)": (
        store.transcripts, [(s.pk, s.last_seq - 1) for s in sessions]),
    "resume reads, nothing new (store.transcripts)": (store.transcripts, [(s.pk, s.last_seq) for s in sessions]),
    "resends de-duplicated (store.receive_many)": (
        store.receive_many, [store.Inbound(m.session_id, str(m.client_id), m.text) for m in last.values()]),
    "channel names (channel_layer.new_channel)": (lambda items: asyncio.run(_names(items)), sessions),
    "new messages, one a socket, all in one commit (store.receive_many)": (_new_messages, [s.pk for s in sessions]),
    "new messages, one a socket, 5 a commit (store.receive_many)": (
        lambda items: [_new_messages(items[n : n + 5]) for n in range(0, len(items), 5)], [s.pk for s in sessions]),
}
async def _names(items):
    return [await layer.new_channel() for _ in items]
answer = {}
with override_settings(SORIDAM_RATE_LIMITS=limits):
    for name, (call, items) in calls.items():
        call(items)  # warm: the statement prepared, the imports done
        started = time.process_time()
        call(items)
        answer[name] = (time.process_time() - started) * 1e6 / len(items)
print(json.dumps(answer))
"""


def measure(env: dict[str, str], tree: Path) -> dict[str, float]:
    done = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", MEASURE],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"measuring in {tree} failed:\n{done.stderr[-3000:]}")
    answer: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--baseline-tree", required=True, help="a git archive of the base, with a .venv link")
    parser.add_argument("--database-url", default=DATABASE_URL)
    args = parser.parse_args()
    env = bench_env(args.database_url, SORIDAM_WARMUP="false", BENCH_SOCKETS=str(args.sockets))
    ensure_database(args.database_url, fresh=True)
    done = subprocess.run([PYTHON, "manage.py", "shell", "-c", SETUP], cwd=ROOT, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit("setting up the sessions failed")
    trees = {"branch": ROOT, "baseline": Path(args.baseline_tree).resolve()}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for pair in range(args.pairs):
        for name in list(trees) if pair % 2 == 0 else list(trees)[::-1]:
            runs[name].append(measure(env, trees[name]))
    print(f"## CPU a socket of a reconnect of {args.sockets} sockets at once (us, median of {args.pairs})\n")
    print(machine_note() + "\n")
    rows = []
    for call in runs["branch"][0]:
        branch = statistics.median(run[call] for run in runs["branch"])
        base = statistics.median(run[call] for run in runs["baseline"])
        rows.append([call, f"{base:.1f}", f"{branch:.1f}", f"{branch / base:.2f}"])
    print(table(["call (all sockets in one batch)", "baseline us", "branch us", "branch / baseline"], rows))


if __name__ == "__main__":
    main()
