"""An independent RFC 6238 TOTP (SHA-1, 6 digits, 30 s), so tests check django-otp against the standard
rather than against itself."""

from __future__ import annotations

import hashlib
import hmac
import struct
import time


def totp(key: bytes, *, at: float | None = None, steps_ahead: int = 0) -> str:
    counter = int((time.time() if at is None else at) // 30) + steps_ahead
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def key_of(config_url: str) -> bytes:
    """The device key from an otpauth URI, as an authenticator app reads it from the QR code."""
    import base64
    from urllib.parse import parse_qs, urlparse

    secret = parse_qs(urlparse(config_url).query)["secret"][0]
    return base64.b32decode(secret + "=" * (-len(secret) % 8))
