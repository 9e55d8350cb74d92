"""Files uuencoded inside a text body (``begin 644 name`` ... ``end``), as old clients and gateways still send.

A part whose Content-Transfer-Encoding is ``x-uuencode`` is decoded by the stdlib; this finds the blocks
pasted into plain text, where the stdlib sees only text.
"""

from __future__ import annotations

import binascii
import re

from soridam.channels.email.parse import ParsedAttachment

_BLOCK = re.compile(r"^begin [0-7]{3,4} ([^\r\n]+)\r?\n(.*?)^end[ \t]*\r?$\n?", re.MULTILINE | re.DOTALL)


def split_uuencoded(text: str) -> tuple[str, list[ParsedAttachment]]:
    """The text without its uuencoded blocks, and the files they hold; text without ``begin`` costs one search."""
    if "begin " not in text:
        return text, []
    files: list[ParsedAttachment] = []

    def take(match: re.Match[str]) -> str:
        content = _decode_block(match.group(2))
        if content is None:
            return match.group(0)
        files.append(ParsedAttachment(match.group(1).strip(), "application/octet-stream", content))
        return ""

    return _BLOCK.sub(take, text), files


def _decode_block(block: str) -> bytes | None:
    out = bytearray()
    for line in block.splitlines():
        if not line or line in ("`", " "):
            continue
        try:
            out += binascii.a2b_uu(line)
        except binascii.Error:
            # Some encoders pad lines short; the length byte says how much to take.
            try:
                length = (ord(line[0]) - 32) & 63
                out += binascii.a2b_uu(line[: (length * 4 + 5) // 3 + 1])
            except (binascii.Error, IndexError):
                return None
    return bytes(out)
