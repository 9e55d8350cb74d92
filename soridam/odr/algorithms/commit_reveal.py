"""Sealed bids by commit-reveal (SPEC §3.4 B): SHA-256 over dispute id, round, role, amount and a 256-bit nonce.

The message is the fields joined by "|" in that order, the nonce as 64 lowercase hex digits, so a browser
(static/odr/commit.js) and the server compute the same digest.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

VERSION = "commit_reveal/1"
_NONCE = re.compile(r"^[0-9a-f]{64}$")


def message(dispute_id: int, round: int, role: str, amount: int, nonce_hex: str) -> bytes:
    if not _NONCE.match(nonce_hex):
        raise ValueError("the nonce must be 64 lowercase hex digits (256 bits)")
    return f"{dispute_id}|{round}|{role}|{amount}|{nonce_hex}".encode()


def commitment(dispute_id: int, round: int, role: str, amount: int, nonce_hex: str) -> str:
    return hashlib.sha256(message(dispute_id, round, role, amount, nonce_hex)).hexdigest()


def verify_reveal(commitment: str, dispute_id: int, round: int, role: str, amount: int, nonce_hex: str) -> bool:
    try:
        expected = message(dispute_id, round, role, amount, nonce_hex)
    except ValueError:
        return False
    return hmac.compare_digest(hashlib.sha256(expected).hexdigest(), commitment.lower())


def new_nonce() -> str:
    """A server-side nonce for a server-sealed bid (weaker: the server saw the amount)."""
    return secrets.token_hex(32)
