"""Print a new API token for a user, alone on the last line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from soridam.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Issue a new API token for USERNAME and print it (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"no user named {options['username']!r}") from None
        _token, raw = ApiToken.issue(user, name=options["name"])
        self.stdout.write(f"New API token for {user.username} (store it now; it is not shown again):")
        self.stdout.write(raw)
