"""Channel credentials are encrypted at rest (R-SEC-3) with the platform's field encryption
(``soridam.privacy.crypto``: AES-256-GCM, key id per value, rotation with ``manage.py rotate_data_key``).

Secrets written before it (``fernet:`` values) are still read; migrations ``soridam_channels.0007`` and
``orders.0003`` (shop credentials) re-encrypt them.
The field keeps this import path because earlier migrations name it.
"""

from __future__ import annotations

from soridam.privacy.crypto import EncryptedTextField as _PrivacyEncryptedTextField


class EncryptedTextField(_PrivacyEncryptedTextField):
    """A channel or shop credential: plain text in Python, ``v1:<kid>:...`` in the database."""
