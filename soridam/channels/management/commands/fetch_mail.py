"""``manage.py fetch_mail [--account NAME] [--loop SECONDS | --idle]``: fetch mail from the configured mailboxes.

``--idle`` keeps a connection per mailbox and fetches as soon as the server announces new mail (IMAP IDLE),
until the process is stopped (Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import signal
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from soridam.channels import pipeline
from soridam.channels.email.imap import fetch_account, fetch_all, watch_until_stopped
from soridam.channels.models import ChannelAccount, PayloadState, RawPayload


class Command(BaseCommand):
    help = "Fetch new mail from the IMAP mailboxes; stored mail is processed right away."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--account", help="only this account (by name); errors are raised, not recorded")
        parser.add_argument("--loop", type=float, default=0, help="poll again every SECONDS until stopped")
        parser.add_argument(
            "--idle", action="store_true", help="stay connected and fetch as soon as mail arrives (IMAP IDLE)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["idle"]:
            self._finish_pending()
            self._watch(self._accounts(options["account"]))
            return
        while True:
            self._finish_pending()
            name = options["account"]
            count = fetch_account(self._accounts(name)[0]) if name else fetch_all()
            self.stdout.write(f"fetched {count} message(s)")
            if not options["loop"]:
                return
            time.sleep(options["loop"])

    def _accounts(self, name: str | None) -> list[ChannelAccount]:
        accounts = ChannelAccount.objects.filter(kind="email")
        if name:
            found = list(accounts.filter(name=name))
            if not found:
                raise CommandError(f"no e-mail account named {name!r}")
            return found
        found = list(accounts.filter(is_active=True).exclude(host=""))
        if not found:
            raise CommandError("no active e-mail account with a mail server")
        return found

    def _watch(self, accounts: list[ChannelAccount]) -> None:
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_args: stop.set())
        watchers = [threading.Thread(target=watch_until_stopped, args=(a, stop), daemon=True) for a in accounts]
        for watcher in watchers:
            watcher.start()
        self.stdout.write(f"watching {len(watchers)} mailbox(es); Ctrl-C stops")
        try:
            while not stop.wait(1):
                pass
        except KeyboardInterrupt:
            stop.set()
        for watcher in watchers:
            watcher.join(timeout=10)

    def _finish_pending(self) -> None:
        """Payloads stored by a worker that died before processing them (each is processed once)."""
        for payload_id in RawPayload.objects.filter(kind="email", state=PayloadState.PENDING).values_list(
            "pk", flat=True
        ):
            pipeline.process(payload_id)
