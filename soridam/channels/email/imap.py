"""IMAP polling: fetch new mail, store the raw bytes, and only then mark or move it on the server.

TLS is required: implicit TLS (993) or STARTTLS. If STARTTLS is missing or fails we stop before LOGIN,
so a password never crosses the wire in plain text. A plain connection is allowed only to localhost
and only when the account opts in (tests and local relays). Per folder we keep (UIDVALIDITY, last UID);
when UIDVALIDITY changes we rescan and the payload store drops what we already have by Message-ID.

The scheduler polls every mailbox each minute (``fetch_all``). ``manage.py fetch_mail --idle`` instead
keeps one connection per mailbox and fetches as soon as the server announces new mail (IMAP IDLE,
RFC 2177), re-issuing IDLE every few minutes; a server without IDLE is polled on that connection.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import select
import ssl
import threading
import time

from django.utils import timezone

from soridam.channels import pipeline
from soridam.channels.base import Health
from soridam.channels.models import ChannelAccount, Security

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30
IDLE_SECONDS = 10 * 60  # RFC 2177: a client re-issues IDLE at least every 29 minutes
FETCH_BATCH = 50  # messages whose raw bytes are committed together
_LOCALHOST = frozenset(("localhost", "127.0.0.1", "::1"))


class MailboxError(Exception):
    """The mailbox cannot be used safely or at all; recorded on the account."""


def connect(account: ChannelAccount, *, ssl_context: ssl.SSLContext | None = None) -> imaplib.IMAP4:
    """A logged-in connection, or MailboxError before any credential is sent."""
    context = ssl_context or ssl.create_default_context()
    host = account.host
    if account.security == Security.TLS:
        conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(host, account.port or 993, ssl_context=context, timeout=TIMEOUT_SECONDS)
    elif account.security == Security.STARTTLS:
        conn = imaplib.IMAP4(host, account.port or 143, timeout=TIMEOUT_SECONDS)
        _start_tls(conn, context)
    elif account.security == Security.PLAIN_LOCALHOST and host in _LOCALHOST:
        conn = imaplib.IMAP4(host, account.port or 143, timeout=TIMEOUT_SECONDS)
    else:
        raise MailboxError("plain IMAP is allowed only to localhost; use TLS or STARTTLS")
    try:
        conn.login(account.username, account.secret)
    except imaplib.IMAP4.error as exc:
        conn.shutdown()
        raise MailboxError(f"login refused: {exc}") from None
    return conn


def _start_tls(conn: imaplib.IMAP4, context: ssl.SSLContext) -> None:
    if "STARTTLS" not in conn.capabilities:
        conn.shutdown()
        raise MailboxError("the server does not offer STARTTLS; not logging in without TLS")
    try:
        conn.starttls(ssl_context=context)
    except (imaplib.IMAP4.error, ssl.SSLError, OSError) as exc:
        conn.shutdown()
        raise MailboxError(f"STARTTLS failed ({exc}); not logging in without TLS") from None


def fetch_account(account: ChannelAccount, *, process_now: bool = True, limit: int | None = None) -> int:
    """Store every new message of the account's folder; returns how many were fetched."""
    conn = connect(account)
    try:
        return _fetch_folder(conn, account, process_now, limit)
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()


def _fetch_folder(conn: imaplib.IMAP4, account: ChannelAccount, process_now: bool, limit: int | None) -> int:
    typ, _data = conn.select(_quote(account.folder))
    if typ != "OK":
        raise MailboxError(f"cannot open folder {account.folder}")
    validity = int((conn.response("UIDVALIDITY")[1] or [b"0"])[0] or b"0")
    state = account.cursor.get(account.folder, {})
    last_uid = int(state.get("last_uid", 0)) if state.get("uidvalidity") == validity else 0
    _typ, data = conn.uid("SEARCH", f"UID {last_uid + 1}:*")
    uids = sorted(int(item) for item in (data[0] or b"").split() if int(item) > last_uid)[:limit]
    for first in range(0, len(uids), FETCH_BATCH):
        _fetch_batch(conn, account, validity, uids[first : first + FETCH_BATCH], process_now)
    if account.done_folder and uids:
        conn.expunge()
    return len(uids)


def _fetch_batch(
    conn: imaplib.IMAP4, account: ChannelAccount, validity: int, uids: list[int], process_now: bool
) -> None:
    """One commit stores the batch's raw bytes; then each message is processed in its own transaction;
    only then are they marked on the server (a crash before that refetches them: stored once, by id)."""
    fetched = [(uid, raw) for uid in uids if (raw := _fetch_raw(conn, uid)) is not None]
    items = [(raw, f"imap:{account.name}:{account.folder}:{validity}:{uid}") for uid, raw in fetched]
    pipeline.receive_many("email", items, account=account, process_now=process_now)
    if not fetched:
        return
    for uid, _raw in fetched:
        _mark_done(conn, account, uid)
    account.cursor[account.folder] = {"uidvalidity": validity, "last_uid": fetched[-1][0]}
    ChannelAccount.objects.filter(pk=account.pk).update(cursor=account.cursor)


def _fetch_raw(conn: imaplib.IMAP4, uid: int) -> bytes | None:
    typ, data = conn.uid("FETCH", str(uid), "(BODY.PEEK[])")  # PEEK: fetching must not mark it read
    if typ != "OK":
        return None
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def _mark_done(conn: imaplib.IMAP4, account: ChannelAccount, uid: int) -> None:
    if account.done_folder:
        typ, _data = conn.uid("COPY", str(uid), _quote(account.done_folder))
        if typ == "OK":
            conn.uid("STORE", str(uid), "+FLAGS", r"(\Deleted)")
        return
    conn.uid("STORE", str(uid), "+FLAGS", r"(\Seen)")


def _quote(folder: str) -> str:
    return folder if re.fullmatch(r"[A-Za-z0-9._/-]+", folder) else '"' + folder.replace('"', r"\"") + '"'


def fetch_all(*, process_now: bool = True) -> int:
    """Poll every active e-mail account once; a broken mailbox is recorded on its account, not raised."""
    total = 0
    for account in ChannelAccount.objects.filter(kind="email", is_active=True).exclude(host=""):
        try:
            total += fetch_account(account, process_now=process_now)
        except (MailboxError, imaplib.IMAP4.error, OSError) as exc:
            _record_check(account, exc)
        else:
            _record_check(account)
    return total


def _record_check(account: ChannelAccount, error: Exception | None = None) -> None:
    """When the mailbox was last checked and what went wrong ("" when it worked), for the admin."""
    if error is not None:
        logger.warning("mailbox fetch failed", extra={"account": account.name, "error": type(error).__name__})
    text = f"{type(error).__name__}: {error}"[:2000] if error is not None else ""
    ChannelAccount.objects.filter(pk=account.pk).update(last_checked_at=timezone.now(), last_error=text)


def watch_account(
    account: ChannelAccount, stop: threading.Event, *, idle_seconds: float = IDLE_SECONDS, poll_seconds: float = 60
) -> None:
    """Fetch the account's new mail whenever the server announces some, until ``stop`` is set.

    One connection: fetch, then IDLE until the server says EXISTS (or ``idle_seconds`` pass), then fetch
    again. Where the server has no IDLE, the same connection is polled every ``poll_seconds``.
    """
    conn = connect(account)
    try:
        _typ, data = conn.capability()  # servers may offer more once logged in
        can_idle = b"IDLE" in (data[0] or b"").upper().split()
        while not stop.is_set():
            _fetch_folder(conn, account, True, None)
            _record_check(account)
            if can_idle:
                _idle(conn, idle_seconds, stop)
            else:
                stop.wait(poll_seconds)
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()


def watch_until_stopped(
    account: ChannelAccount, stop: threading.Event, *, retry_seconds: float = 30, **timing: float
) -> None:
    """``watch_account`` for a long-running process: a broken connection is recorded on the account
    and opened again after ``retry_seconds``."""
    from django.db import connection

    try:
        while not stop.is_set():
            try:
                watch_account(account, stop, **timing)
            except (MailboxError, imaplib.IMAP4.error, OSError) as exc:
                _record_check(account, exc)
                stop.wait(retry_seconds)
    finally:
        connection.close()  # this thread's own database connection


def _idle(conn: imaplib.IMAP4, seconds: float, stop: threading.Event) -> bool:
    """IDLE until the selected folder has new mail, ``seconds`` pass or ``stop`` is set; True on new mail.

    imaplib (Python 3.11) has no IDLE, so this speaks it on imaplib's socket: the tag, ``+``, untagged
    responses, ``DONE``, then the tagged completion.
    """
    tag = conn._new_tag()
    conn.send(tag + b" IDLE\r\n")
    first = conn.readline()
    if not first.startswith(b"+"):
        conn.tagged_commands.pop(tag, None)
        raise MailboxError(f"the server refused IDLE: {first.decode(errors='replace').strip()[:200]}")
    news, deadline = False, time.monotonic() + seconds
    while not news and not stop.is_set() and time.monotonic() < deadline:
        if _readable(conn, timeout=1.0):  # wakes each second to notice ``stop``
            line = conn.readline()
            if not line:
                raise MailboxError("the server closed the connection during IDLE")
            news = line.startswith(b"*") and line.rstrip().upper().endswith(b"EXISTS")
    conn.send(b"DONE\r\n")
    while not (line := conn.readline()).startswith(tag):
        if not line:
            raise MailboxError("the server closed the connection after IDLE")
    conn.tagged_commands.pop(tag, None)
    return news


def _readable(conn: imaplib.IMAP4, *, timeout: float) -> bool:
    sock = conn.sock
    if isinstance(sock, ssl.SSLSocket) and sock.pending():
        return True
    readable, _w, _x = select.select([sock], [], [], timeout)
    return bool(readable)


def check_login(account: ChannelAccount) -> Health:
    try:
        conn = connect(account)
    except (MailboxError, imaplib.IMAP4.error, OSError) as exc:
        return Health(ok=False, detail=f"{type(exc).__name__}: {exc}")
    conn.logout()
    return Health(ok=True, detail="login ok")
