"""Sealing a bid by commit-reveal (SPEC §3.4 B). This API is stable: the dispute process calls it.

``commitment(dispute_id, round, role, amount, nonce_hex) -> str`` is the lowercase hex SHA-256 of the UTF-8
bytes of the canonical string

    "soridam-odr-bid/1\\n{dispute_id}\\n{round}\\n{role}\\n{amount}\\n{nonce_hex}"

where ``dispute_id`` and ``round`` are positive integers and ``amount`` a non-negative integer (KRW), all in
plain decimal without sign, leading zeros or separators; ``role`` is ``claimant`` or ``respondent``; and
``nonce_hex`` is the 256-bit random nonce as 64 lowercase hex digits. Every field is validated before hashing
and none can contain a newline, so two different bids never share a canonical string.

The party's browser computes the same value with ``soridam/odr/static/odr/commit.js`` (WebCrypto), so the
server holds only the commitment until the commit deadline; ``new_nonce`` exists for the "server-sealed"
fallback (assisted or no-JavaScript use), which is weaker protection and labelled so.

``verify_reveal(commitment_hex, dispute_id, round, role, amount, nonce_hex) -> bool`` recomputes the value and
compares it in constant time; a malformed reveal is simply not a match.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from soridam.odr.algorithms.exact import AlgorithmInputError

VERSION = "commit-reveal/1"
DOMAIN = "soridam-odr-bid/1"
ROLES = ("claimant", "respondent")
NONCE_BYTES = 32

_NONCE = re.compile(r"[0-9a-f]{64}")
_DIGEST = re.compile(r"[0-9a-f]{64}")


def canonical_bytes(dispute_id: int, round: int, role: str, amount: int, nonce_hex: str) -> bytes:
    """The exact bytes that are hashed; raises ``AlgorithmInputError`` on any malformed field."""
    for name, value, least in (("dispute_id", dispute_id, 1), ("round", round, 1), ("amount", amount, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise AlgorithmInputError(f"{name}: expected an integer ≥ {least}")
    if role not in ROLES:
        raise AlgorithmInputError(f"role: expected one of {', '.join(ROLES)}")
    if not isinstance(nonce_hex, str) or not _NONCE.fullmatch(nonce_hex):
        raise AlgorithmInputError("nonce_hex: expected 64 lowercase hex digits (256 bits)")
    return f"{DOMAIN}\n{dispute_id}\n{round}\n{role}\n{amount}\n{nonce_hex}".encode()


def commitment(dispute_id: int, round: int, role: str, amount: int, nonce_hex: str) -> str:
    return hashlib.sha256(canonical_bytes(dispute_id, round, role, amount, nonce_hex)).hexdigest()


def verify_reveal(commitment_hex: str, dispute_id: int, round: int, role: str, amount: int, nonce_hex: str) -> bool:
    """Does the revealed amount and nonce hash to the stored commitment? Constant-time in the digest."""
    if not isinstance(commitment_hex, str) or not _DIGEST.fullmatch(commitment_hex):
        return False
    try:
        expected = commitment(dispute_id, round, role, amount, nonce_hex)
    except AlgorithmInputError:
        return False
    return hmac.compare_digest(expected.encode(), commitment_hex.encode())


def new_nonce() -> str:
    """A fresh 256-bit nonce, for server-sealed bids only (the browser makes its own)."""
    return secrets.token_hex(NONCE_BYTES)
