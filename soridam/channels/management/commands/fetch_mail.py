"""``manage.py fetch_mail [--account NAME] [--loop SECONDS]``: poll the configured mailboxes."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from soridam.channels import pipeline
from soridam.channels.email.imap import fetch_account, fetch_all
from soridam.channels.models import ChannelAccount, PayloadState, RawPayload


class Command(BaseCommand):
    help = "Fetch new mail from the IMAP mailboxes; stored mail is processed right away."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--account", help="only this account (by name); errors are raised, not recorded")
        parser.add_argument("--loop", type=float, default=0, help="poll again every SECONDS until stopped")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            self._finish_pending()
            if options["account"]:
                try:
                    account = ChannelAccount.objects.get(name=options["account"], kind="email")
                except ChannelAccount.DoesNotExist:
                    raise CommandError(f"no e-mail account named {options['account']!r}") from None
                count = fetch_account(account)
            else:
                count = fetch_all()
            self.stdout.write(f"fetched {count} message(s)")
            if not options["loop"]:
                return
            time.sleep(options["loop"])

    def _finish_pending(self) -> None:
        """Payloads stored by a worker that died before processing them (each is processed once)."""
        for payload_id in RawPayload.objects.filter(kind="email", state=PayloadState.PENDING).values_list(
            "pk", flat=True
        ):
            pipeline.process(payload_id)
