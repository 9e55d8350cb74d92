"""Channel credentials are encrypted at rest (R-SEC): Fernet with a key from the environment.

``SORIDAM_FIELD_KEY`` (a Fernet key) wins; without it the key is derived from SECRET_KEY, so rotating
SECRET_KEY without setting SORIDAM_FIELD_KEY makes stored secrets unreadable (they must be re-entered).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models

_PREFIX = "fernet:"
logger = logging.getLogger(__name__)


def _fernet() -> Fernet:
    key = os.environ.get("SORIDAM_FIELD_KEY", "")
    if not key:
        digest = hashlib.sha256(b"soridam.channels.field-key:" + str(settings.SECRET_KEY).encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key.encode())


def encrypt(plain: str) -> str:
    return _PREFIX + _fernet().encrypt(plain.encode()).decode() if plain else ""


def decrypt(stored: str) -> str:
    if not stored:
        return ""
    try:
        return _fernet().decrypt(stored.removeprefix(_PREFIX).encode()).decode()
    except InvalidToken:
        # The key changed: the account shows as unhealthy until someone re-enters the secret.
        logger.warning("channel secret cannot be decrypted with the current key")
        return ""


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Holds ciphertext in the database; Python code sees the plain text."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str:
        return decrypt(value) if value else ""

    def get_prep_value(self, value: Any) -> Any:
        return encrypt(str(value)) if value else ""
