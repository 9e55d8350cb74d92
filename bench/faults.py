"""The fault suite (issue 19): intake through the API and IMAP while processes die, counted from the database.

    .venv/bin/python bench/faults.py [--cases 10000] [--emails 2000] [--clients 4] [--kill-every 5] [--keep]

Everything runs on this machine, on loopback, against real processes:

- its OWN PostgreSQL cluster under ``var/faults/pg`` (Debian's ``initdb`` and ``pg_ctl`` on a free port; the
  machine's shared server is never touched), created anew each run;
- the processes ``make run`` starts (``soridam.lib.supervisor.commands``): the analyser, granian's WSGI web
  workers, the task workers (the first with the customer lane and the scheduler thread), each in a session of its
  own; granian runs with ``--respawn-failed-workers``, as under ``make run``, so it replaces a killed worker;
- a real IMAP server (``soridam/channels/email/tests/imapserver.py``, in a thread here) that the scheduler's
  ``fetch_mail`` job reads, and an SMTP sink (aiosmtpd) that receives every outbound mail.

While ``--cases`` cases go in through ``POST /api/v1/cases`` (each with its own ``Idempotency-Key``; a client
retries an error or a dropped connection with the same key until it gets its 201) and ``--emails`` mails
arrive in the mailbox, the suite ``kill -9``s a web worker every ``--kill-every`` seconds, the task workers
twice (restarted a second later, as a process manager would) and stops PostgreSQL once with
``pg_ctl -m immediate`` (a crash: recovery on the next start). Then it sends duplicate and forged webhook
deliveries to every channel with an inbound webhook, waits until the queues drain, and counts from the
database: requests sent, acknowledged, stored, lost (acknowledged but not stored) and duplicated; for
outbound mail, rows sent against the mails the SMTP sink received, and Message-IDs received twice.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.parser import BytesParser
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import faults_history  # noqa: E402
from bench.common import GRANIAN, PYTHON, ROOT, Client, bench_env, free_port, machine_note, manage, table  # noqa: E402
from soridam.channels.email.tests.imapserver import ImapServer, MailStore  # noqa: E402
from soridam.channels.email.tests.mails import mail  # noqa: E402
from soridam.lib.supervisor import commands  # noqa: E402

FAULTS_DIR = ROOT / "var" / "faults"
PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1] if Path("/usr/lib/postgresql").exists() else None
MAILBOX = "help@faults.test"
DRAIN_SECONDS = 240
GRANIAN_CRASH_LOOP_SECONDS = 6.0


# --- PostgreSQL of its own -------------------------------------------------------------------------------------


@dataclass
class Cluster:
    """A throw-away PostgreSQL cluster under var/faults/pg, listening on 127.0.0.1 only."""

    directory: Path
    port: int = field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/soridam_faults"

    def create(self) -> None:
        if PG_BIN is None:
            raise SystemExit("PostgreSQL server binaries are missing (/usr/lib/postgresql/*/bin)")
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory.mkdir(parents=True)
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root: the cluster belongs to the postgres user
            shutil.chown(self.directory, "postgres", "postgres")
        self._run("initdb", "-D", str(self.directory / "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "soridam_faults")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} -c max_connections=200"
        data, log = str(self.directory / "data"), str(self.directory / "pg.log")
        self._run("pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "start")

    def crash(self) -> None:
        """``-m immediate``: no shutdown checkpoint, connections cut, crash recovery at the next start."""
        self._run("pg_ctl", "-D", str(self.directory / "data"), "-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        with suppress(SystemExit):
            self._run("pg_ctl", "-D", str(self.directory / "data"), "-m", "fast", "-w", "stop")

    def _run(self, program: str, *args: str) -> None:
        assert PG_BIN is not None
        as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        command = [*as_owner, str(PG_BIN / program), *args]
        result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=self.directory)
        if result.returncode != 0:
            raise SystemExit(f"{program} failed: {result.stderr or result.stdout}")

    def value(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self.rows(sql, params)[0][0]

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            return list(connection.execute(sql, params).fetchall())  # type: ignore[arg-type]


# --- the SMTP sink ---------------------------------------------------------------------------------------------


class SmtpSink:
    """Receives every outbound mail; keeps each one's Message-ID."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.message_ids: list[str] = []
        self.received: list[tuple[str, float]] = []  # (Message-ID, when), for the history of a duplicate
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        headers = BytesParser().parsebytes(envelope.content, headersonly=True)
        with self.lock:
            self.message_ids.append(str(headers.get("Message-ID", "")))
            self.received.append((self.message_ids[-1], time.time()))
        return "250 OK"


# --- the stack -------------------------------------------------------------------------------------------------


@dataclass
class Stack:
    """``make run``'s processes, started here so the suite can kill and restart them one by one."""

    env: dict[str, str]
    named: dict[str, list[str]]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    restarts: Counter[str] = field(default_factory=Counter)
    first_seen: dict[int, float] = field(default_factory=dict)
    events: list[tuple[float, str]] = field(default_factory=list)  # (when, what): faults and restarts
    log: Any = None

    def start(self, name: str) -> None:
        self.processes[name] = subprocess.Popen(
            self.named[name], cwd=ROOT, env=self.env, start_new_session=True, stdout=self.log, stderr=self.log
        )

    def start_all(self) -> None:
        for name in self.named:
            self.start(name)

    def task_workers(self) -> list[str]:
        return [name for name in self.named if "worker" in name and name != "web server"]

    def kill(self, name: str) -> None:
        self.events.append((time.time(), f"{name} kill -9"))
        with suppress(ProcessLookupError):
            os.kill(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait()

    def revive(self) -> None:
        """Restart a process that died (a task worker killed here or gone with PostgreSQL; granian when it
        gave up on its workers), as a process manager would."""
        for name in [*self.task_workers(), "web server"]:
            if self.processes[name].poll() is not None:
                self.restarts[name] += 1
                self.events.append((time.time(), f"{name} restarted"))
                self.start(name)

    def web_workers(self, older_than: float = 0.0) -> list[int]:
        """The pids of granian's worker processes (the children of its main process) that have run at least
        ``older_than`` seconds."""
        main = self.processes["web server"].pid
        children = []
        for status in Path("/proc").glob("[0-9]*/status"):
            with suppress(OSError):
                fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
                if fields.get("PPid", "").strip() == str(main):
                    children.append(int(status.parent.name))
        now = time.monotonic()
        for pid in children:
            self.first_seen.setdefault(pid, now)
        return [pid for pid in children if now - self.first_seen[pid] >= older_than]

    def stop(self) -> None:
        for process in self.processes.values():
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)


# --- load ------------------------------------------------------------------------------------------------------


@dataclass
class Tally:
    sent: int = 0  # HTTP requests sent (first tries and retries)
    acknowledged: dict[int, int] = field(default_factory=dict)  # case number → case id from the 201
    errors: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


def send_cases(port: int, token: str, run: str, numbers: list[int], tally: Tally, stop: threading.Event) -> None:
    """One client: each case until it is acknowledged, retrying with the same Idempotency-Key."""
    client = Client(port, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    for number in numbers:
        key = f"{run}-case-{number}"
        body = json.dumps(
            {
                "subject": f"fault {run} #{number}",
                "body": f"주문 {number}번 배송이 늦어요. 확인 부탁드립니다.",
                "customer": {"name": f"고객 {number}", "email": f"c{number}-{run}@faults.test"},
            }
        ).encode()
        while not stop.is_set():
            with tally.lock:
                tally.sent += 1
            try:
                answer = client.request("POST", "/api/v1/cases", body, {"Idempotency-Key": key})
            except OSError as error:
                with tally.lock:
                    tally.errors[type(error).__name__] += 1
                time.sleep(0.2)
                continue
            if answer.status == 201:
                with tally.lock:
                    tally.acknowledged[number] = int(answer.json()["id"])
                break
            with tally.lock:
                tally.errors[f"HTTP {answer.status}"] += 1
            time.sleep(0.2 if answer.status != 409 else 0.5)


def feed_mail(
    store: MailStore, run: str, count: int, seconds: float, intake_done: threading.Event, aborted: threading.Event
) -> None:
    """Deliver ``count`` mails into the mailbox, spread over ``seconds``; all that are left at once when the API
    intake ends first (a quiet machine's intake outruns the pace), none more when the run is stopped."""
    pause = seconds / max(count, 1)
    for number in range(count):
        if aborted.is_set():
            return
        raw = mail(
            sender=f"Customer {number} <m{number}-{run}@faults.test>",
            to=MAILBOX,
            subject=f"fault-mail {run} #{number}",
            body=f"메일 문의 {number}: 환불 요청합니다.",
            message_id=f"<{run}-mail-{number}@faults.test>",
        )
        store.deliver(raw)
        if not intake_done.is_set():
            time.sleep(pause)


def chaos(
    stack: Stack, cluster: Cluster, tally: Tally, total: int, every: float, stop: threading.Event
) -> Counter[str]:
    """Kill a web worker every ``every`` s; the task workers at a third and at two thirds of the intake;
    PostgreSQL at half. Dead task workers are restarted each second, as a process manager would.
    A web worker is killed only once a request has been acknowledged since the previous kill: on a loaded
    machine a respawned worker takes longer than ``every`` to warm up, and killing the ones that just came up
    starved the intake completely (a run stood at 659 of 2,000 cases for minutes at load 24)."""
    done: Counter[str] = Counter()
    last_web_kill = time.monotonic()
    acknowledged_at_last_kill = 0
    while not stop.is_set():
        progress = len(tally.acknowledged) / max(total, 1)
        moved = len(tally.acknowledged) > acknowledged_at_last_kill
        if time.monotonic() - last_web_kill >= every and moved:
            # granian gives up ("crash loop") when a worker dies within 5.5 s of its respawn: kill older ones.
            workers = stack.web_workers(older_than=GRANIAN_CRASH_LOOP_SECONDS)
            if workers:
                os.kill(random.choice(workers), signal.SIGKILL)
                done["web worker kill -9"] += 1
                acknowledged_at_last_kill = len(tally.acknowledged)
            last_web_kill = time.monotonic()
        if done["task worker kill -9"] < 2 and progress >= (done["task worker kill -9"] + 1) / 3:
            for name in stack.task_workers():
                stack.kill(name)
            done["task worker kill -9"] += 1
        if not done["PostgreSQL crash and restart"] and progress >= 0.5:
            stack.events.append((time.time(), "PostgreSQL crash"))
            cluster.crash()
            time.sleep(1)
            cluster.start()
            stack.events.append((time.time(), "PostgreSQL started"))
            done["PostgreSQL crash and restart"] += 1
        time.sleep(1)
        stack.revive()
    return done


# --- webhooks --------------------------------------------------------------------------------------------------

CHANNELS = ROOT / "soridam" / "channels"
KAKAO_BOT = "5f1c2b3a4d5e6f7a8b9c0001"
NAVER_PARTNER = "wc1234"


@dataclass
class Hook:
    """A channel's inbound message, signed as the provider signs it, and another one forged."""

    kind: str
    good: bytes
    good_headers: dict[str, str]
    forged: bytes
    forged_headers: dict[str, str]


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _meta(kind: str, event_id: str) -> bytes:
    name = {"whatsapp": "whatsapp_text.json", "messenger": "messenger_text.json", "instagram": "instagram_text.json"}
    body = _json(CHANNELS / "meta" / "tests" / "payloads" / name[kind])
    if kind == "whatsapp":
        body["entry"][0]["changes"][0]["value"]["messages"][0]["id"] = event_id
    else:
        body["entry"][0]["messaging"][0]["message"]["mid"] = event_id
    return json.dumps(body).encode()


def _line(event_id: str) -> bytes:
    body = _json(CHANNELS / "line" / "tests" / "payloads" / "text_message.json")
    for event in body.get("events", []):
        event["webhookEventId"] = event_id
        event.get("message", {})["id"] = event_id
    return json.dumps(body, ensure_ascii=False).encode()


def _telegram(update_id: int) -> bytes:
    message = {"message_id": update_id, "date": int(time.time()), "chat": {"id": 4242, "type": "private"}}
    message.update({"from": {"id": 4242, "is_bot": False, "first_name": "Kim"}, "text": "배송 문의"})
    return json.dumps({"update_id": update_id, "message": message}, ensure_ascii=False).encode()


def _kakao(utterance: str, bot: str = KAKAO_BOT) -> bytes:
    body = _json(CHANNELS / "kakao" / "tests" / "payloads" / "skill_text.json")
    body["userRequest"]["utterance"] = utterance
    body["bot"]["id"] = bot
    return json.dumps(body, ensure_ascii=False).encode()


def _naver(text: str, partner: str = NAVER_PARTNER) -> bytes:
    body = _json(CHANNELS / "navertalk" / "tests" / "payloads" / "send_text.json")
    body.update(textContent={"text": text, "inputType": "typing"}, partner=partner)
    return json.dumps(body, ensure_ascii=False).encode()


def hooks(run: str, secrets: dict[str, str]) -> list[Hook]:
    def line_sig(raw: bytes, secret: str) -> dict[str, str]:
        return {"X-Line-Signature": base64.b64encode(hmac.new(secret.encode(), raw, hashlib.sha256).digest()).decode()}

    def meta_sig(raw: bytes, secret: str) -> dict[str, str]:
        return {"X-Hub-Signature-256": "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()}

    made = [
        Hook(
            "line",
            _line(f"{run}-line-1"),
            line_sig(_line(f"{run}-line-1"), secrets["line"]),
            _line(f"{run}-line-2"),
            line_sig(_line(f"{run}-line-2"), "forged"),
        ),
        Hook(
            "telegram",
            _telegram(7001),
            {"X-Telegram-Bot-Api-Secret-Token": secrets["telegram"]},
            _telegram(7002),
            {"X-Telegram-Bot-Api-Secret-Token": "forged"},
        ),
        Hook("kakao", _kakao(f"{run} 배송 문의"), {}, _kakao(f"{run} forged", bot="another-bot"), {}),
        Hook("navertalk", _naver(f"{run} 배송 문의"), {}, _naver(f"{run} forged", partner="another"), {}),
    ]
    for kind in ("messenger", "instagram", "whatsapp"):
        good, forged = _meta(kind, f"{run}-{kind}-1"), _meta(kind, f"{run}-{kind}-2")
        made.append(Hook(kind, good, meta_sig(good, secrets["meta"]), forged, meta_sig(forged, "forged")))
    return made  # fmt: skip


def webhook_setup(env: dict[str, str], secrets: dict[str, str]) -> None:
    """One account per channel kind with an inbound webhook, at ``/hooks/<kind>/faults-<kind>/``."""
    accounts = [
        ("line", secrets["line"], {}),
        ("telegram", secrets["telegram"], {}),
        ("kakao", "", {"bot_id": KAKAO_BOT}),
        ("navertalk", "", {"partner": NAVER_PARTNER}),
        *((kind, secrets["meta"], {}) for kind in ("messenger", "instagram", "whatsapp")),
    ]
    # Messengers are outside processors: off until an administrator accepts the outsourcing notice (R-SEC-13).
    code = (
        "from soridam.accounts import processors\n"
        "from soridam.accounts.models import User\n"
        "from soridam.channels.models import ChannelAccount\n"
        "admin = next(user for user in User.objects.order_by('pk') if user.is_admin_role)\n"
        f"for kind, secret, options in {accounts!r}:\n"
        "    ChannelAccount.objects.create(name='faults-' + kind, kind=kind, slug='faults-' + kind, secret=secret,"
        " options=options)\n"
        "    if processors.is_outside_processor(kind) and not processors.is_accepted(kind):\n"
        "        processors.accept(kind, admin)\n"
    )
    manage(env, "shell", "-c", code)


def deliver_hooks(port: int, cluster: Cluster, hook_list: list[Hook], copies: int = 3) -> list[list[object]]:
    """Each channel's message ``copies`` times, then a forged one; what was answered and what was stored."""
    rows: list[list[object]] = []
    for hook in hook_list:
        client = Client(port, headers={"Content-Type": "application/json"})
        path = f"/hooks/{hook.kind}/faults-{hook.kind}/"
        answers = []
        for _ in range(copies):
            try:
                answers.append(str(client.request("POST", path, hook.good, hook.good_headers).status))
            except OSError as error:
                answers.append(type(error).__name__)
        forged = client.request("POST", path, hook.forged, hook.forged_headers).status
        stored = cluster.value(
            "SELECT count(*) FROM soridam_channels_rawpayload p "
            "JOIN soridam_channels_channelaccount a ON a.id = p.account_id WHERE a.slug = %s",
            (f"faults-{hook.kind}",),
        )
        rows.append([hook.kind, copies, " ".join(answers), stored, forged, max(0, stored - 1)])
    return rows


# --- the run ---------------------------------------------------------------------------------------------------


SETUP = """
from soridam.accounts.models import Role, User
from soridam.accounts.models import ApiToken
from soridam.channels.models import ChannelAccount, Security
User.objects.create_superuser("faults", "faults@faults.test", "faults-pw", role=Role.ADMIN)
ChannelAccount.objects.create(name="help", address="{mailbox}", host="127.0.0.1", port={imap_port},
    security=Security.PLAIN_LOCALHOST, username="support", secret="s3cret pw")
"""


def prepare(cluster: Cluster, env: dict[str, str], imap_port: int) -> str:
    cluster.create()
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "shell", "-c", SETUP.format(mailbox=MAILBOX, imap_port=imap_port))
    return manage(env, "api_token", "faults", "--name", "faults").strip().splitlines()[-1]


def wait_for_web(port: int, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with suppress(OSError):
            if Client(port).get("/readyz").status == 200:
                return
        time.sleep(0.5)
    raise SystemExit("the web server did not become ready")


def drain(cluster: Cluster, store: MailStore, run: str, emails: int, stack: Stack) -> float:
    """Wait until every mail is fetched and stored and no outbound mail is queued; the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < DRAIN_SECONDS:
        stack.revive()
        with suppress(Exception):
            stored = cluster.value("SELECT count(*) FROM cases_case WHERE subject LIKE %s", (f"fault-mail {run} #%",))
            queued = cluster.value(
                "SELECT count(*) FROM notifications_outboundmessage WHERE state IN ('queued', 'sending')"
            )
            if stored >= emails and store.seen() >= emails and queued == 0:
                break
        time.sleep(2)
    return time.monotonic() - started


def count(
    cluster: Cluster, run: str, tally: Tally, store: MailStore, emails: int, sink: SmtpSink
) -> list[list[object]]:
    cases = cluster.rows("SELECT id, subject FROM cases_case WHERE subject LIKE %s", (f"fault {run} #%",))
    by_number = Counter(int(subject.rsplit("#", 1)[1]) for _id, subject in cases)
    ids = {case_id for case_id, _subject in cases}
    lost_api = sum(1 for case_id in tally.acknowledged.values() if case_id not in ids)
    mails = cluster.rows("SELECT subject FROM cases_case WHERE subject LIKE %s", (f"fault-mail {run} #%",))
    by_mail = Counter(subject for (subject,) in mails)
    seen = store.seen()
    return [
        ["API intake (Idempotency-Key)", tally.sent, len(tally.acknowledged), len(by_number), lost_api,
         sum(n - 1 for n in by_number.values())],
        ["E-mail through IMAP (acknowledged: flagged seen)", emails, seen, len(by_mail),
         max(0, min(seen, emails) - len(by_mail)), sum(n - 1 for n in by_mail.values())],
    ]  # fmt: skip


def count_outbound(cluster: Cluster, sink: SmtpSink) -> list[list[object]]:
    """Outbound mail rows by state against what the SMTP sink received: each Message-ID once. A row in doubt
    (its worker died between the send and its record: never sent again) counts apart, with whether it came."""
    rows = cluster.rows("SELECT channel, state, count(*) FROM notifications_outboundmessage GROUP BY 1, 2")
    states = {f"{channel} {state}": n for channel, state, n in rows}
    email = cluster.rows("SELECT state, external_id FROM notifications_outboundmessage WHERE channel = 'email'")
    received = Counter(sink.message_ids)
    sent = [external_id for state, external_id in email if state == "sent"]
    in_doubt = [external_id for state, external_id in email if state == "in_doubt"]
    return [
        [
            sum(states.values()),
            " ".join(f"{state} {n}" for state, n in sorted(states.items())),
            len(sent),
            len(sink.message_ids),
            len(received),
            sum(1 for n in received.values() if n > 1),
            sum(1 for external_id in sent if external_id not in received),
            f"{len(in_doubt)} ({sum(1 for external_id in in_doubt if external_id in received)} arrived)",
        ]
    ]


@contextmanager
def services(args: argparse.Namespace) -> Iterator[tuple[Cluster, MailStore, ImapServer, SmtpSink]]:
    cluster = Cluster(FAULTS_DIR / "pg")
    store = MailStore()
    sink = SmtpSink()
    sink.controller.start()
    with ImapServer(store) as imap:
        try:
            yield cluster, store, imap, sink
        finally:
            sink.controller.stop()
            cluster.stop()
            if not args.keep:
                shutil.rmtree(cluster.directory, ignore_errors=True)


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(f"stopped by signal {signum}")  # runs the clean-up: the stack, the cluster


def main() -> None:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--emails", type=int, default=2_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--kill-every", type=float, default=5.0)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="leave var/faults (the cluster and the logs) behind")
    args = parser.parse_args()
    run = uuid.uuid4().hex[:8]
    with services(args) as (cluster, store, imap, sink):
        port = free_port()
        secrets = {"line": "line-secret-" + run, "telegram": "tg-" + run, "meta": "meta-secret-" + run}
        env = bench_env(
            cluster.url,
            EMAIL_URL=f"smtp://127.0.0.1:{sink.port}?tls=off",
            SORIDAM_VAR_DIR=str(FAULTS_DIR),
            PORT=str(port),
            SECRET_KEY="faults-" + run * 4,
            SORIDAM_AUDIT_KEY="faults-audit-" + run * 4,
            SORIDAM_NAVERTALK_SOURCES="127.0.0.1/32",  # the suite posts from loopback
            # A killed worker's claims are taken back after these, not production's 60 s and 5 minutes, so that a
            # short run drains within DRAIN_SECONDS (the recovery is the same code either way).
            SORIDAM_WORKER_HEARTBEAT_SECONDS="2",
            SORIDAM_WORKER_STALE_SECONDS="10",
            SORIDAM_OUTBOUND_LEASE_SECONDS="20",
        )
        token = prepare(cluster, env, imap.port)
        manage(env, "collectstatic", "--noinput", "-v", "0")
        webhook_setup(env, secrets)
        socket_path = str(FAULTS_DIR / "analyser.sock")
        named = commands(PYTHON, GRANIAN, port=port, workers=args.web_workers, threads=2, analyser_socket=socket_path)
        env["SORIDAM_ANALYSER_SOCKET"] = socket_path
        with (FAULTS_DIR / "stack.log").open("ab") as log:
            stack = Stack(env, named, log=log)
            stack.start_all()
            try:
                wait_for_web(port)
                report = exercise(args, run, port, token, stack, cluster, store, sink, secrets)
            finally:
                stack.stop()
        report += "\n" + audit_after_the_faults(env)
    print(report)


def audit_after_the_faults(env: dict[str, str]) -> str:
    """The audit log after the crashes: a checkpoint, then the whole verification (chains, MACs, heads)."""
    try:
        checkpoint = manage(env, "audit_checkpoint").strip()
        return f"audit log: {checkpoint}; {manage(env, 'verify_audit').strip()}"
    except SystemExit as error:
        return f"audit log: BROKEN {str(error).strip().splitlines()[-1]}"


def exercise(
    args: argparse.Namespace,
    run: str,
    port: int,
    token: str,
    stack: Stack,
    cluster: Cluster,
    store: MailStore,
    sink: SmtpSink,
    secrets: dict[str, str],
) -> str:
    tally = Tally()
    stop, aborted = threading.Event(), threading.Event()
    numbers = list(range(args.cases))
    started = time.monotonic()
    clients = [
        threading.Thread(target=send_cases, args=(port, token, run, numbers[n :: args.clients], tally, stop))
        for n in range(args.clients)
    ]
    pace = max(10.0, args.cases / 40)
    feeder = threading.Thread(target=feed_mail, args=(store, run, args.emails, pace, stop, aborted))
    for thread in [*clients, feeder]:
        thread.start()
    result: dict[str, Counter[str]] = {}
    chaos_thread = threading.Thread(
        target=lambda: result.setdefault("faults", chaos(stack, cluster, tally, args.cases, args.kill_every, stop))
    )
    chaos_thread.start()
    try:
        for thread in clients:
            thread.join()
    except BaseException:
        aborted.set()
        raise
    finally:  # also when the run is stopped (SIGTERM): no client keeps the process alive, no restart after the stop
        stop.set()
        chaos_thread.join()
    intake_seconds = time.monotonic() - started
    feeder.join()
    wait_for_web(port)
    hook_rows = deliver_hooks(port, cluster, hooks(run, secrets))
    drained = drain(cluster, store, run, args.emails, stack)
    rows = count(cluster, run, tally, store, args.emails, sink)
    outbound = count_outbound(cluster, sink)
    faults = result.get("faults", Counter())
    lines = [
        f"Fault suite {run}: {args.cases} cases, {args.emails} e-mails, {args.clients} clients; "
        f"intake {intake_seconds:.0f} s, drained in {drained:.0f} s. {machine_note()}.",
        "",
        table(["stream", "requests sent", "acknowledged", "stored", "lost", "duplicated"], rows),
        "",
        table(["outbound rows", "by channel and state", "e-mail rows sent", "mails received", "distinct Message-IDs",
               "Message-IDs received twice", "sent but not received", "in doubt"], outbound),
        "",
        table(["fault", "times"], [[name, n] for name, n in faults.items()] + [
            [f"{name} restarted", n] for name, n in stack.restarts.items()]),
        "",
        table(["webhook", "signed copies", "answers", "payloads stored", "forged answer", "duplicated"], hook_rows),
        "",
        "client errors retried: " + (", ".join(f"{k} {v}" for k, v in tally.errors.most_common()) or "none"),
        faults_history.duplicates(cluster, sink.received, stack.events),
    ]  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    main()
