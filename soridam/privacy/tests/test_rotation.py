"""``manage.py rotate_data_key``: batches with a progress bar on stderr, a checkpoint to resume from, and every
value readable before, during and after."""

from __future__ import annotations

import base64

import pytest
from django.core.management import call_command
from django.db import connection

from soridam.channels.models import ChannelAccount
from soridam.privacy import crypto
from soridam.privacy.models import KeyRotation

NEW_KEY = base64.b64encode(bytes(range(7, 39))).decode()


def _kids() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM soridam_channels_channelaccount ORDER BY id")
        return [crypto.key_id(value) for (value,) in cursor.fetchall()]


@pytest.mark.django_db
def test_a_stopped_rotation_resumes_at_its_checkpoint_and_every_value_stays_readable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    accounts = [ChannelAccount.objects.create(name=f"mail{i}", secret=f"pw-{i}") for i in range(5)]
    old = base64.b64encode(crypto.keyring().keys[crypto.DEV_KID]).decode()
    monkeypatch.setenv("SORIDAM_DATA_KEYS", f"new:{NEW_KEY},{crypto.DEV_KID}:{old}")
    # A run that stopped after the first two rows: its checkpoint says so.
    crypto.reencrypt_batch(ChannelAccount, 0, 2)
    table = ChannelAccount._meta.db_table
    KeyRotation.objects.create(table=table, target_kid="new", last_pk=accounts[1].pk, done=2)
    assert _kids() == ["new", "new", "dev", "dev", "dev"]
    assert [a.secret for a in ChannelAccount.objects.order_by("id")] == [f"pw-{i}" for i in range(5)]  # mid-way

    call_command("rotate_data_key", "--batch-size", "2")
    assert _kids() == ["new"] * 5
    mark = KeyRotation.objects.get(table=table)
    assert (mark.last_pk, mark.done, mark.finished_at is not None) == (accounts[-1].pk, 5, True)
    progress = capsys.readouterr().err
    assert f"{table}" in progress
    assert "5/5" in progress

    monkeypatch.setenv("SORIDAM_DATA_KEYS", f"new:{NEW_KEY}")
    assert [a.secret for a in ChannelAccount.objects.order_by("id")] == [f"pw-{i}" for i in range(5)]
    call_command("rotate_data_key")  # finished for this key: nothing to do again
    assert KeyRotation.objects.get(table=table).done == 5
