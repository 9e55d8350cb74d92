"""Field encryption (R-SEC-3): AES-256-GCM, the key id in every value, bound to its column, old keys and old
Fernet values still readable; what the database holds is never the plain text."""

from __future__ import annotations

import base64
import hashlib
import os
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from soridam.channels.models import ChannelAccount, RawPayload
from soridam.privacy import crypto

NEW_KEY = base64.b64encode(bytes(range(32))).decode()
OLD_KEY = base64.b64encode(bytes(range(32, 64))).decode()


def _column(table: str, column: str, pk: int) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - fixed names
        value = cursor.fetchone()[0]
    return bytes(value).decode() if isinstance(value, bytes | memoryview) else value


@given(st.text(min_size=1))
def test_a_value_decrypts_to_itself_and_names_its_key(plain: str) -> None:
    stored = crypto.encrypt(plain, "t.c")
    assert stored.startswith("v1:dev:")
    assert plain not in stored.split(":", 2)[2] or len(plain) < 4  # base64 of random bytes may contain it by chance
    assert crypto.decrypt(stored, "t.c") == plain


def test_a_value_moved_to_another_column_or_altered_does_not_decrypt() -> None:
    stored = crypto.encrypt("900101-1234567", "cases_message.body")
    with pytest.raises(InvalidTag):
        crypto.decrypt(stored, "customers_customer.email")
    head, body = stored.rsplit(":", 1)
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(InvalidTag):
        crypto.decrypt(f"{head}:{base64.b64encode(bytes(raw)).decode()}", "cases_message.body")


def test_the_first_key_encrypts_and_every_key_decrypts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SORIDAM_DATA_KEYS", f"old:{OLD_KEY}")
    old = crypto.encrypt("1234", "t.c")
    monkeypatch.setenv("SORIDAM_DATA_KEYS", f"new:{NEW_KEY},old:{OLD_KEY}")
    new = crypto.encrypt("1234", "t.c")
    assert (crypto.key_id(old), crypto.key_id(new)) == ("old", "new")
    assert crypto.decrypt(old, "t.c") == crypto.decrypt(new, "t.c") == "1234"
    monkeypatch.setenv("SORIDAM_DATA_KEYS", f"new:{NEW_KEY}")
    with pytest.raises(crypto.KeyringError):
        crypto.decrypt(old, "t.c")


@pytest.mark.parametrize("raw", ["nokey", "k:notbase64!", f"k:{base64.b64encode(b'short').decode()}"])
def test_a_malformed_keyring_is_refused(raw: str) -> None:
    with pytest.raises(crypto.KeyringError):
        crypto.parse_keys(raw)


def test_the_blind_index_finds_equal_values_and_depends_on_its_key(monkeypatch: pytest.MonkeyPatch) -> None:
    first = crypto.blind_index("email", "gildong@example.com")
    assert first == crypto.blind_index("email", "gildong@example.com")
    assert first != crypto.blind_index("email", "Gildong@example.com")  # the caller normalises
    assert first != crypto.blind_index("phone", "gildong@example.com")
    assert "gildong" not in first
    monkeypatch.setenv("SORIDAM_BLIND_INDEX_KEY", "another key")
    assert crypto.blind_index("email", "gildong@example.com") != first


@pytest.mark.django_db
def test_channel_secrets_are_aes_gcm_in_the_database_and_old_fernet_ones_are_read_then_reencrypted() -> None:
    account = ChannelAccount.objects.create(name="mail", secret="imap-password", token="tok-123")
    stored = _column("soridam_channels_channelaccount", "secret", account.pk)
    assert stored.startswith("v1:")
    assert "imap-password" not in stored
    assert ChannelAccount.objects.get(pk=account.pk).secret == "imap-password"
    digest = hashlib.sha256(b"soridam.channels.field-key:" + str(settings.SECRET_KEY).encode()).digest()
    legacy = "fernet:" + Fernet(base64.urlsafe_b64encode(digest)).encrypt(b"old-password").decode()
    ChannelAccount.objects.filter(pk=account.pk).update(secret=None)  # then write the legacy text as is
    with connection.cursor() as cursor:
        cursor.execute("UPDATE soridam_channels_channelaccount SET secret = %s WHERE id = %s", [legacy, account.pk])
    assert ChannelAccount.objects.get(pk=account.pk).secret == "old-password"
    assert crypto.reencrypt_all(ChannelAccount) == 1  # what migration channels.0007 runs
    assert _column("soridam_channels_channelaccount", "secret", account.pk).startswith("v1:dev:")
    assert ChannelAccount.objects.get(pk=account.pk).secret == "old-password"


@pytest.mark.django_db
def test_a_raw_payload_is_encrypted_at_rest_and_read_back_as_received() -> None:
    raw = "주민번호 900101-1234567".encode()
    payload = RawPayload.objects.create(kind="email", external_id="<x@y>", raw=raw, size=len(raw), sha256="0" * 64)
    assert _column("soridam_channels_rawpayload", "raw", payload.pk).startswith("v1:dev:")
    assert bytes(RawPayload.objects.get(pk=payload.pk).raw) == raw


def test_production_is_warned_without_its_own_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SORIDAM_DATA_KEYS", raising=False)
    monkeypatch.delenv("SORIDAM_BLIND_INDEX_KEY", raising=False)
    assert {w.id for w in crypto.check_data_keys(None)} == {"soridam.privacy.W001", "soridam.privacy.W002"}
    monkeypatch.setenv("SORIDAM_DATA_KEYS", f"k:{NEW_KEY}")
    monkeypatch.setenv("SORIDAM_BLIND_INDEX_KEY", os.urandom(8).hex())
    assert crypto.check_data_keys(None) == []
