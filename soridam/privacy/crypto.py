"""Field encryption at rest (R-SEC-3, SPEC §5.1): AES-256-GCM with the key id stored in every value.

A stored value reads ``v1:<kid>:<base64(nonce + ciphertext)>``. The associated data binds it to its table and
column (``cases_message.body``), so a value copied into another column does not decrypt there.

Keys come from ``SORIDAM_DATA_KEYS`` (``kid:base64key,kid:base64key``; the first one encrypts, every one
decrypts, so ``manage.py rotate_data_key`` can move values to a new key while the old ones stay readable).
Without it, development and tests derive one key from SECRET_KEY; ``check --deploy`` warns about that.

Equality lookups on an encrypted value (a phone or e-mail identity) go through ``blind_index``: a keyed HMAC
(``SORIDAM_BLIND_INDEX_KEY``) that finds equal values without revealing them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
from dataclasses import dataclass
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core import checks
from django.db import models

VERSION = "v1"
LEGACY_PREFIX = "fernet:"  # channel secrets before AES-GCM (soridam.channels.crypto), still read
_NONCE = 12
DEV_KID = "dev"
logger = logging.getLogger(__name__)


class KeyringError(ValueError):
    """SORIDAM_DATA_KEYS is malformed, or a value names a key the keyring does not hold."""


@dataclass(frozen=True)
class Keyring:
    current: str
    keys: dict[str, bytes]

    def aead(self, kid: str) -> AESGCM:
        try:
            return AESGCM(self.keys[kid])
        except KeyError:
            raise KeyringError(f"no data key {kid!r} in SORIDAM_DATA_KEYS") from None


def _derived(label: bytes) -> bytes:
    return hashlib.sha256(b"soridam.privacy." + label + b":" + str(settings.SECRET_KEY).encode()).digest()


def parse_keys(raw: str) -> Keyring:
    """``kid:base64key,...``: each key 32 bytes (AES-256); the first encrypts."""
    keys: dict[str, bytes] = {}
    for item in (part.strip() for part in raw.split(",")):
        kid, _, encoded = item.partition(":")
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise KeyringError(f"data key {kid!r} is not base64") from None
        if not kid or ":" in kid or len(key) != 32:
            raise KeyringError(f"data key {kid!r} must be 'kid:<base64 of 32 bytes>'")
        keys[kid] = key
    return Keyring(current=next(iter(keys)), keys=keys)


@cache
def _keyring_for(raw: str, secret_key: str) -> Keyring:
    if raw:
        return parse_keys(raw)
    return Keyring(current=DEV_KID, keys={DEV_KID: _derived(b"data-key")})


def keyring() -> Keyring:
    """Read on every call (cached per value), so tests and rotation can change the environment."""
    return _keyring_for(os.environ.get("SORIDAM_DATA_KEYS", "").strip(), str(settings.SECRET_KEY))


def encrypt_bytes(plain: bytes, context: str) -> str:
    ring = keyring()
    nonce = os.urandom(_NONCE)
    sealed = ring.aead(ring.current).encrypt(nonce, plain, context.encode())
    return f"{VERSION}:{ring.current}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt_bytes(stored: str, context: str) -> bytes:
    """Raises KeyringError for an unknown key and InvalidTag for a value that was altered or moved."""
    version, kid, body = stored.split(":", 2)
    if version != VERSION:
        raise KeyringError(f"unknown encryption version {version!r}")
    raw = base64.b64decode(body)
    return keyring().aead(kid).decrypt(raw[:_NONCE], raw[_NONCE:], context.encode())


def encrypt(plain: str, context: str) -> str:
    return encrypt_bytes(plain.encode(), context) if plain else ""


def decrypt(stored: str, context: str) -> str:
    if not stored:
        return ""
    if stored.startswith(LEGACY_PREFIX):
        return _legacy_decrypt(stored)
    if not is_encrypted(stored):
        return stored  # written before the column was encrypted; its migration and rotate_data_key encrypt it
    return decrypt_bytes(stored, context).decode()


def is_encrypted(stored: str) -> bool:
    return stored.startswith(f"{VERSION}:")


def key_id(stored: str) -> str:
    """The key a value was encrypted with ('' for a legacy or plain value)."""
    return stored.split(":", 2)[1] if is_encrypted(stored) else ""


def _legacy_decrypt(stored: str) -> str:
    """Channel secrets written before AES-GCM: Fernet with SORIDAM_FIELD_KEY or a key derived from SECRET_KEY."""
    key = os.environ.get("SORIDAM_FIELD_KEY", "")
    if not key:
        digest = hashlib.sha256(b"soridam.channels.field-key:" + str(settings.SECRET_KEY).encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    try:
        return Fernet(key.encode()).decrypt(stored.removeprefix(LEGACY_PREFIX).encode()).decode()
    except InvalidToken:
        logger.warning("a legacy encrypted value cannot be decrypted with the current key")
        return ""


def blind_index(kind: str, value: str) -> str:
    """A keyed HMAC-SHA256: equal values give equal indexes, and without the key the index tells nothing.
    ``kind`` keeps an e-mail and a phone with the same text apart. The caller normalises ``value`` (e-mail
    lower-cased, phones canonical) as it did for the plain-text lookup; handles stay case-sensitive."""
    key = os.environ.get("SORIDAM_BLIND_INDEX_KEY", "").encode() or _derived(b"blind-index")
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def column_context(field: models.Field[Any, Any]) -> str:
    return f"{field.model._meta.db_table}.{field.column}"


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Holds ``v1:<kid>:...`` in the database; Python code sees the plain text. A value that cannot be
    decrypted (its key was removed) reads as '' with a warning, never as ciphertext shown to a person."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str:
        if not value:
            return ""
        try:
            return decrypt(value, column_context(self))
        except (KeyringError, InvalidTag, ValueError):
            logger.warning("an encrypted value cannot be decrypted", extra={"column": column_context(self)})
            return ""

    def get_prep_value(self, value: Any) -> Any:
        return encrypt(str(value), column_context(self)) if value else ""


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """``blind_index(<kind field>, <source field>)`` of the same row, computed on every save and bulk insert,
    so equality lookups and a unique constraint work on an encrypted column. ``QuerySet.update`` of the source
    does not recompute it: update both."""

    def __init__(self, *args: Any, source: str = "", kind_field: str = "", **kwargs: Any) -> None:
        self.source, self.kind_field = source, kind_field
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, kind_field=self.kind_field)
        kwargs.pop("editable", None)
        if kwargs.get("max_length") == 64:
            kwargs.pop("max_length")
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = blind_index(str(getattr(model_instance, self.kind_field)), str(getattr(model_instance, self.source)))
        setattr(model_instance, self.attname, value)
        return value


class EncryptedBinaryField(models.BinaryField):  # type: ignore[type-arg]
    """Raw bytes (an e-mail as received) encrypted at rest; the column holds the ASCII token."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> bytes:
        if not value:
            return b""
        stored = bytes(value)
        if not stored.startswith(VERSION.encode() + b":"):
            return stored  # written before encryption; rotate_data_key encrypts it
        return decrypt_bytes(stored.decode("ascii"), column_context(self))

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None:
            return None
        token = encrypt_bytes(bytes(value), column_context(self)).encode("ascii") if value else b""
        return super().get_db_prep_value(token, connection, prepared)


def encrypted_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField | EncryptedBinaryField)]


@checks.register(checks.Tags.security, deploy=True)
def check_data_keys(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Production needs its own data keys: a key derived from SECRET_KEY is lost when SECRET_KEY rotates."""
    found: list[checks.CheckMessage] = []
    if not os.environ.get("SORIDAM_DATA_KEYS", "").strip():
        found.append(
            checks.Warning(
                "SORIDAM_DATA_KEYS is not set: personal data is encrypted with a key derived from SECRET_KEY.",
                hint="Set SORIDAM_DATA_KEYS=kid:<base64 of 32 random bytes> and keep it outside the database.",
                id="soridam.privacy.W001",
            )
        )
    if not os.environ.get("SORIDAM_BLIND_INDEX_KEY", "").strip():
        found.append(
            checks.Warning(
                "SORIDAM_BLIND_INDEX_KEY is not set: lookup indexes use a key derived from SECRET_KEY.",
                id="soridam.privacy.W002",
            )
        )
    return found


def reencrypt_batch(model: type[models.Model], after_pk: int, size: int) -> tuple[int, int]:
    """Encrypt the next ``size`` rows of ``model`` after ``after_pk`` again with the current key (plain and
    legacy values too). Returns the last primary key done and the number of rows; (after_pk, 0) at the end.
    Works on a migration's historical models as on the real ones: the fields decrypt on read, encrypt on write."""
    names = [field.name for field in encrypted_fields(model)]
    rows = list(model._base_manager.filter(pk__gt=after_pk).order_by("pk").values_list("pk", *names)[:size])
    for pk, *values in rows:
        model._base_manager.filter(pk=pk).update(**dict(zip(names, values, strict=True)))
    return (rows[-1][0] if rows else after_pk), len(rows)


def reencrypt_all(model: type[models.Model], size: int = 500) -> int:
    last, done, total = 0, -1, 0
    while done:
        last, done = reencrypt_batch(model, last, size)
        total += done
    return total
