"""``manage.py channel_account add --kind KIND --slug SLUG [--secret S] [--token T] [--option key=value ...] --json``.

Creates (or, with the same slug, updates) the account a provider's webhook comes to, and prints it as one
JSON line with its webhook URL. Secrets are encrypted at rest (``channels.crypto``) and never printed.
``list`` prints every account the same way, one per line.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_slug
from django.db import transaction

from soridam.channels.base import registered_kinds
from soridam.channels.models import ChannelAccount
from soridam.channels.webhooks import webhook_url


class Command(BaseCommand):
    help = "Add or list the channel accounts that providers' webhooks come to."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="add an account, or update the one with this slug")
        add.add_argument("--kind", required=True, help="the channel: " + ", ".join(registered_kinds()))
        add.add_argument("--slug", required=True, help="its part of the webhook URL; unguessable for kakao, navertalk")
        add.add_argument("--name", default="", help="a name for people (default: kind and slug)")
        add.add_argument("--secret", default=None, help="the signing secret (LINE channel secret, Meta app secret...)")
        add.add_argument("--token", default=None, help="the access token for the provider's API")
        add.add_argument("--option", action="append", default=[], metavar="KEY=VALUE", help="a channel setting")
        add.add_argument("--json", action="store_true", help="print the account as one JSON line")
        listing = sub.add_parser("list", help="print every account")
        listing.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for account in ChannelAccount.objects.order_by("kind", "slug", "pk"):
                self.stdout.write(json.dumps(describe(account), ensure_ascii=False))
            return
        account = _save(options)
        if options["json"]:
            self.stdout.write(json.dumps(describe(account), ensure_ascii=False))
        else:
            self.stdout.write(f"{account.kind} account {account.slug}: {webhook_url(account)}")


def _save(options: dict[str, Any]) -> ChannelAccount:
    kind, slug = options["kind"], options["slug"]
    if kind not in registered_kinds():
        raise CommandError(f"unknown kind {kind!r}; one of: {', '.join(registered_kinds())}")
    try:
        validate_slug(slug)
    except Exception:  # noqa: BLE001 - Django's ValidationError; the message below says what is allowed
        raise CommandError("the slug may hold only letters, digits, '-' and '_'") from None
    extra = _options(options["option"])
    with transaction.atomic():
        account = ChannelAccount.objects.select_for_update().filter(slug=slug).first()
        if account is not None and account.kind != kind:
            raise CommandError(f"the slug {slug!r} belongs to a {account.kind} account")
        account = account or ChannelAccount(kind=kind, slug=slug, name=options["name"] or f"{kind}:{slug}")
        if options["name"]:
            account.name = options["name"]
        if options["secret"] is not None:
            account.secret = options["secret"]
        if options["token"] is not None:
            account.token = options["token"]
        account.options = {**account.options, **extra}
        if ChannelAccount.objects.filter(name=account.name).exclude(pk=account.pk).exists():
            raise CommandError(f"another account is named {account.name!r}; give --name")
        account.save()
    return account


def _options(pairs: list[str]) -> dict[str, object]:
    parsed: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CommandError(f"--option needs key=value, not {pair!r}")
        parsed[key.strip()] = _value(value.strip())
    return parsed


def _value(text: str) -> object:
    """``true``/``false`` and whole numbers as such (``bot=false``, ``window_hours=24``); the rest as text."""
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    return int(text) if text.isdigit() else text


def describe(account: ChannelAccount) -> dict[str, object]:
    """The account for people and scripts: never its secret or token, only whether they are set."""
    return {
        "id": account.pk,
        "kind": account.kind,
        "slug": account.slug or "",
        "name": account.name,
        "active": account.is_active,
        "webhook_url": webhook_url(account),
        "has_secret": bool(account.secret),
        "has_token": bool(account.token),
        "options": account.options,
    }
