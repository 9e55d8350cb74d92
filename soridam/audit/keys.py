"""The audit log's MAC keys, which live outside the database (R-SEC-6).

The SHA-256 chain alone proves nothing against someone who can write to the database: they can edit a row
and recompute every later hash. Each entry and each checkpoint therefore also carries an HMAC-SHA256 under
``SORIDAM_AUDIT_KEY``, which is read from the environment and never stored in a table. The entry keeps the
key's id (a keyed fingerprint, not the key), so a key can be rotated: the new key signs, the old ones listed
in ``SORIDAM_AUDIT_OLD_KEYS`` still verify what they signed.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from django.conf import settings

_DERIVATION_LABEL = b"soridam.audit.mac-key.v1"
_FINGERPRINT_LABEL = b"soridam.audit.key-id.v1"


class UnknownAuditKey(LookupError):
    """An entry names a key id that none of the configured keys has."""


@cache
def _keyring(current: str, old: tuple[str, ...], secret_key: str) -> tuple[str, dict[str, bytes]]:
    """The current key's id and every usable key by id, computed once per configuration."""
    keys = [_material(current, secret_key), *(value.encode() for value in old if value)]
    ring: dict[str, bytes] = {}
    for key in keys:
        ring.setdefault(key_id_of(key), key)
    return key_id_of(keys[0]), ring


def _material(configured: str, secret_key: str) -> bytes:
    if configured:
        return configured.encode()
    # Development and tests: derived from SECRET_KEY, so a fresh checkout works; ``manage.py check`` warns
    # when a production install (SORIDAM_DEMO=false) relies on it (audit/checks.py).
    return hmac.new(secret_key.encode(), _DERIVATION_LABEL, hashlib.sha256).digest()


def key_id_of(key: bytes) -> str:
    """A short public name for a key: a MAC of a fixed label, so it tells nothing about the key itself."""
    return hmac.new(key, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:12]


def _ring() -> tuple[str, dict[str, bytes]]:
    old = tuple(getattr(settings, "SORIDAM_AUDIT_OLD_KEYS", ()))
    return _keyring(getattr(settings, "SORIDAM_AUDIT_KEY", ""), old, settings.SECRET_KEY)


def current_key_id() -> str:
    return _ring()[0]


def sign(message: bytes, *, key_id: str | None = None) -> str:
    """HMAC-SHA256 of ``message`` under the key ``key_id`` (the current key when None)."""
    current, ring = _ring()
    key = ring.get(key_id or current)
    if key is None:
        raise UnknownAuditKey(key_id)
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def signature_holds(message: bytes, mac: str, *, key_id: str) -> bool:
    """Whether ``mac`` is the MAC of ``message`` under ``key_id``, compared in constant time."""
    return hmac.compare_digest(sign(message, key_id=key_id), mac)
