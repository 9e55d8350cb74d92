"""The ingest worker as a real ``manage.py fetch_mail`` process, against an IMAP server running here.

Fault test: the worker is SIGKILLed in the middle of a 500-message mailbox and restarted; afterwards
every message is stored exactly once. And ``--idle``: mail is fetched as it arrives, SIGTERM stops it.
The worker runs on the test database on PostgreSQL, else on a SQLite file of its own.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from soridam.channels.email.tests.imapserver import ImapServer, MailStore
from soridam.channels.email.tests.mails import mail

MESSAGES = 500


def _env(tmp_path: Path) -> dict[str, str]:
    """The worker's environment: on PostgreSQL the test database itself (this test commits), else a
    SQLite file of its own (the SQLite test database lives in this process's memory)."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    else:
        url = f"sqlite:///{tmp_path / 'worker.sqlite3'}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DB_CONN_MAX_AGE": "0",
        "EMAIL_URL": "locmem://",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",  # follow-up tasks queue for a worker
        "SORIDAM_VAR_DIR": str(tmp_path),
        "LOG_JSON": "false",
    }


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    return subprocess.run(
        [sys.executable, manage, *args], env=env, capture_output=True, text=True, timeout=300, check=True
    )


def _migrated_env(tmp_path: Path) -> dict[str, str]:
    env = _env(tmp_path)
    if connection.vendor != "postgresql":
        _manage(env, "migrate", "-v", "0")
    return env


def _start_worker(env: dict[str, str], imap: ImapServer, store: MailStore, *args: str) -> subprocess.Popen[bytes]:
    """``manage.py fetch_mail ARGS`` on an account named ``box`` for the test server's mailbox."""
    _manage(
        env,
        "shell",
        "-c",
        "from soridam.channels.models import ChannelAccount as A; "
        f"A.objects.create(name='box', host='127.0.0.1', port={imap.port}, security='plain_localhost', "
        f"address='support@shop.test', username='{store.user}', secret='{store.password}')",
    )
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    return subprocess.Popen([sys.executable, manage, "fetch_mail", *args], env=env)


def _mailbox() -> MailStore:
    store = MailStore()
    for n in range(MESSAGES):
        customer = n % 25
        first = n < 25
        store.folders["INBOX"].add(
            mail(
                sender=f"customer{customer}@example.kr",
                subject=f"문의 {customer}" if first else f"Re: 문의 {customer}",
                body=f"메시지 {n}",
                message_id=f"<msg{n}@example.kr>",
                in_reply_to="" if first else f"<msg{customer}@example.kr>",
            )
        )
    return store


def _counts(env: dict[str, str]) -> dict[str, object]:
    """What the worker stored, read through the ORM of a ``manage.py shell`` on the worker's database."""
    script = (
        "import json; from django.db.models import Count; "
        "from soridam.channels.models import RawPayload as P, ChannelMessage as M; "
        "from soridam.cases.models import Case, Message; "
        "print(json.dumps({'payloads': P.objects.count(), "
        "'distinct_ids': P.objects.values('external_id').distinct().count(), "
        "'states': dict(P.objects.values_list('state').annotate(n=Count('id'))), "
        "'metas': M.objects.count(), 'distinct_metas': M.objects.values('external_id').distinct().count(), "
        "'messages': Message.objects.filter(kind='customer').count(), 'cases': Case.objects.count()}))"
    )
    return dict(json.loads(_manage(env, "shell", "-c", script).stdout.strip().splitlines()[-1]))


@pytest.mark.django_db(transaction=True)
def test_sigkilled_worker_restarts_and_every_message_is_stored_exactly_once(tmp_path: Path) -> None:
    env = _migrated_env(tmp_path)
    store = _mailbox()
    with ImapServer(store) as imap:
        worker = _start_worker(env, imap, store, "--account", "box")
        deadline = time.monotonic() + 300  # a busy CI machine is slow; the kill must still land mid-way
        while store.seen() < 150 and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert worker.poll() is None, "the worker finished before it could be killed"
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        assert 0 < store.seen() < MESSAGES
        _manage(env, "fetch_mail", "--account", "box")
        assert store.seen() == MESSAGES
    counts = _counts(env)
    assert counts["payloads"] == counts["distinct_ids"] == MESSAGES
    assert counts["states"] == {"processed": MESSAGES}
    assert counts["metas"] == counts["distinct_metas"] == MESSAGES
    assert counts["messages"] == MESSAGES
    assert counts["cases"] == 25


@pytest.mark.django_db(transaction=True)
def test_idle_worker_fetches_mail_as_it_arrives_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = _migrated_env(tmp_path)
    store = MailStore()
    with ImapServer(store) as imap:
        worker = _start_worker(env, imap, store, "--idle")
        try:
            deadline = time.monotonic() + 60
            while "IDLE" not in store.commands and time.monotonic() < deadline:
                time.sleep(0.05)
            store.deliver(mail(sender="idle@example.kr", message_id="<idle@example.kr>"))
            while store.seen() < 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert store.seen() == 1  # stored, then flagged on the server
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=15) == 0
        finally:
            if worker.poll() is None:
                worker.kill()
    assert _counts(env)["states"] == {"processed": 1}
