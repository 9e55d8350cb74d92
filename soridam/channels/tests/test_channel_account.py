"""``manage.py channel_account add ... --json``: the exact interface of issue 15, and secrets at rest."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from soridam.accounts.models import User
from soridam.channels.models import ChannelAccount


def _add(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("channel_account", "add", *args, "--json", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    return dict(json.loads(lines[0]))


@pytest.mark.django_db
def test_add_prints_the_account_as_one_json_line_with_its_webhook_url(settings: Any) -> None:
    settings.SITE_URL = "https://cs.example.kr"
    shown = _add(
        "--kind", "telegram", "--slug", "tg-main", "--secret", "hook-secret", "--token", "123:abc",
        "--option", "bot=false", "--option", "api_base=https://api.telegram.org",
    )  # fmt: skip
    assert shown["webhook_url"] == "https://cs.example.kr/hooks/telegram/tg-main/"
    assert shown["kind"] == "telegram"
    assert shown["slug"] == "tg-main"
    assert shown["options"] == {"bot": False, "api_base": "https://api.telegram.org"}
    assert shown["has_secret"] is True
    assert shown["has_token"] is True
    assert "hook-secret" not in json.dumps(shown)
    assert "123:abc" not in json.dumps(shown)

    account = ChannelAccount.objects.get(slug="tg-main")
    assert (account.secret, account.token) == ("hook-secret", "123:abc")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT secret, token FROM {ChannelAccount._meta.db_table} WHERE id = %s", [account.pk])  # noqa: S608
        stored = cursor.fetchone()
    assert "hook-secret" not in stored[0]
    assert "123:abc" not in stored[1]


@pytest.mark.django_db
def test_add_again_with_the_same_slug_updates_it_and_keeps_what_is_not_given() -> None:
    _add("--kind", "telegram", "--slug", "tg", "--secret", "one", "--option", "bot=false")
    shown = _add("--kind", "telegram", "--slug", "tg", "--token", "t2", "--option", "window_hours=24")
    account = ChannelAccount.objects.get(slug="tg")
    assert ChannelAccount.objects.count() == 1
    assert (account.secret, account.token) == ("one", "t2")
    assert shown["options"] == {"bot": False, "window_hours": 24}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "fax", "--slug", "x"], "unknown kind"),
        (["--kind", "telegram", "--slug", "no/slash"], "slug"),
        (["--kind", "telegram", "--slug", "x", "--option", "novalue"], "key=value"),
    ],
)
def test_bad_input_gets_a_clear_error_and_stores_nothing(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("channel_account", "add", *args, "--json", stdout=io.StringIO())
    assert not ChannelAccount.objects.exists()


@pytest.mark.django_db
def test_the_admin_shows_the_webhook_url_and_never_the_secrets(client: Client) -> None:
    admin = User.objects.create_superuser("root", "root@example.com", "pw-long-enough-123")
    account = ChannelAccount.objects.create(
        kind="telegram", name="tg", slug="tg", secret="hook-secret", token="123:abc"
    )
    client.force_login(admin)
    page = client.get(f"/admin/soridam_channels/channelaccount/{account.pk}/change/").content.decode()
    assert "/hooks/telegram/tg/" in page
    assert "hook-secret" not in page
    assert "123:abc" not in page
