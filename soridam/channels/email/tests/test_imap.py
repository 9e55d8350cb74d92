"""IMAP fetching against a real IMAP server speaking the protocol over a socket (tests/imapserver.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from django.db import OperationalError, connection

from soridam.channels.email.imap import MailboxError, connect, fetch_account, fetch_all, watch_until_stopped
from soridam.channels.email.tests.imapserver import ImapServer, MailStore
from soridam.channels.email.tests.mails import mail
from soridam.channels.models import ChannelAccount, ChannelMessage, PayloadState, RawPayload, Security

pytestmark = pytest.mark.django_db


@pytest.fixture
def store() -> MailStore:
    return MailStore()


@pytest.fixture
def server(store: MailStore) -> Iterator[ImapServer]:
    with ImapServer(store) as running:
        yield running


def _account(server: ImapServer, **extra: object) -> ChannelAccount:
    fields: dict[str, object] = {
        "name": "support",
        "address": "support@shop.test",
        "host": "127.0.0.1",
        "port": server.port,
        "security": Security.PLAIN_LOCALHOST,
        "username": "support",
        "secret": "s3cret pw",
        **extra,
    }
    return ChannelAccount.objects.create(**fields)


def test_new_mail_is_stored_then_flagged_and_fetched_once(teams: object, server: ImapServer, store: MailStore) -> None:
    for n in range(3):
        store.folders["INBOX"].add(mail(message_id=f"<m{n}@x>", sender=f"c{n}@example.kr"))
    account = _account(server)
    assert fetch_account(account) == 3
    assert RawPayload.objects.filter(state=PayloadState.PROCESSED, account=account).count() == 3
    assert store.seen() == 3
    assert ChannelMessage.objects.count() == 3
    assert fetch_account(account) == 0
    store.folders["INBOX"].add(mail(message_id="<m3@x>"))
    assert fetch_account(account) == 1
    assert RawPayload.objects.count() == 4
    assert "LOGIN" in store.commands
    assert "UID" in store.commands


def test_stored_mail_is_moved_to_the_done_folder(teams: object, server: ImapServer, store: MailStore) -> None:
    store.folders["INBOX"].add(mail(message_id="<mv@x>"))
    assert fetch_account(_account(server, done_folder="Done")) == 1
    assert store.folders["INBOX"].mails == []
    assert len(store.folders["Done"].mails) == 1


def test_uidvalidity_change_rescans_without_duplicates(teams: object, server: ImapServer, store: MailStore) -> None:
    store.folders["INBOX"].add(mail(message_id="<u1@x>"))
    account = _account(server)
    fetch_account(account)
    store.folders["INBOX"].uidvalidity = 2  # the server renumbered its UIDs
    store.folders["INBOX"].add(mail(message_id="<u2@x>"))
    account.refresh_from_db()
    assert fetch_account(account) == 2
    assert RawPayload.objects.count() == 2
    assert ChannelMessage.objects.count() == 2


@pytest.mark.parametrize("starttls", ["none", "broken"])
def test_no_password_is_sent_when_starttls_is_missing_or_fails(
    server: ImapServer, store: MailStore, starttls: str
) -> None:
    store.starttls = starttls
    account = _account(server, security=Security.STARTTLS)
    with pytest.raises(MailboxError, match="not logging in without TLS"):
        connect(account)
    assert "LOGIN" not in store.commands


def test_plain_imap_is_refused_for_a_remote_host(db: None) -> None:
    account = ChannelAccount(name="x", host="imap.example.com", security=Security.PLAIN_LOCALHOST)
    with pytest.raises(MailboxError, match="only to localhost"):
        connect(account)


def test_a_broken_mailbox_is_recorded_on_the_account(teams: object, server: ImapServer) -> None:
    account = _account(server, secret="wrong")
    assert fetch_all() == 0
    account.refresh_from_db()
    assert "login refused" in account.last_error
    assert account.last_checked_at is not None


def test_the_mailbox_password_is_encrypted_at_rest(server: ImapServer) -> None:
    account = _account(server)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM soridam_channels_channelaccount WHERE id = %s", [account.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("v1:")  # AES-256-GCM with its key id (privacy.crypto)
    assert "s3cret" not in stored
    assert ChannelAccount.objects.get(pk=account.pk).secret == "s3cret pw"


def _wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not _holds(condition):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _holds(condition: Callable[[], bool]) -> bool:
    """The condition, or False while the watcher thread writes: the SQLite test database is in-memory with a
    shared cache, where a table being written is locked for other connections at once (no busy timeout)."""
    try:
        return condition()
    except OperationalError as error:
        if "locked" not in str(error):
            raise
        return False


def _watching(account: ChannelAccount, **options: float) -> tuple[threading.Thread, threading.Event]:
    stop = threading.Event()
    watcher = threading.Thread(target=watch_until_stopped, args=(account, stop), kwargs=options, daemon=True)
    watcher.start()
    return watcher, stop


@pytest.mark.django_db(transaction=True)
def test_idle_fetches_mail_as_soon_as_the_server_announces_it(
    teams: object, server: ImapServer, store: MailStore
) -> None:
    store.deliver(mail(message_id="<before@x>", sender="a@example.kr"))
    watcher, stop = _watching(_account(server), idle_seconds=300)  # waking by timeout would be too late
    _wait_for(lambda: "IDLE" in store.commands)
    assert ChannelMessage.objects.filter(external_id="before@x").exists()  # fetched before idling
    store.deliver(mail(message_id="<during@x>", sender="b@example.kr"))
    # Far sooner than the 300 s IDLE timeout; the margin is for a loaded CI machine.
    _wait_for(lambda: ChannelMessage.objects.filter(external_id="during@x").exists(), seconds=30)
    _wait_for(lambda: store.commands.count("IDLE") == 2)  # idling again after that fetch
    stop.set()
    watcher.join(timeout=5)
    assert not watcher.is_alive()
    assert store.seen() == 2
    assert RawPayload.objects.filter(state=PayloadState.PROCESSED).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_server_without_idle_is_polled_on_the_same_connection(
    teams: object, server: ImapServer, store: MailStore
) -> None:
    store.idle = False
    watcher, stop = _watching(_account(server), poll_seconds=0.2)
    _wait_for(lambda: store.commands.count("SELECT") >= 2)
    store.deliver(mail(message_id="<polled@x>", sender="c@example.kr"))
    _wait_for(lambda: ChannelMessage.objects.filter(external_id="polled@x").exists())
    stop.set()
    watcher.join(timeout=5)
    assert "IDLE" not in store.commands
    assert store.commands.count("LOGIN") == 1
