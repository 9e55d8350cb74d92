"""Raw RFC 5322 bytes to a ParsedEmail, robust against the Korean mail that breaks other helpdesks.

stdlib ``email`` with ``policy.default`` gives the MIME structure. Text is decoded here, not by the
policy: CPython maps ks_c_5601-1987/euc-kr to the strict 2,350-syllable codec, so we remap those labels
to cp949, and raw 8-bit headers are recovered from their surrogate-escaped bytes.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.message
import email.utils
import functools
import quopri
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.policy import EmailPolicy
from typing import Any

import charset_normalizer
import nh3

from soridam.channels.email.htmltext import html_to_text

_CP949_LABELS = frozenset(
    [
        "euc-kr",
        "euckr",
        "euc_kr",
        "ks_c_5601-1987",
        "ks_c_5601-1989",
        "ks_c_5601",
        "ksc5601",
        "ksc_5601",
        "korean",
        "cseuckr",
        "windows-949",
        "x-windows-949",
        "ms949",
        "uhc",
        "cp949",
    ]
)
_ENCODED_WORD = re.compile(r"=\?([^?\s]+?)\?([bBqQ])\?([^?\s]*)\?=")
_MAX_HEADER = 4000
_ASCII_SPACE = re.compile(r"[ \t\r\n]+")


class ParseError(ValueError):
    """The bytes are not a message we can take in; the payload goes to quarantine."""


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes
    content_id: str = ""


@dataclass
class AttachedMessage:
    """A message attached to (or forwarded inside) another: shown as a message, with its own text and files."""

    filename: str
    subject: str
    from_address: str
    from_name: str
    text: str
    html: str
    raw: bytes
    attachments: list[ParsedAttachment] = field(default_factory=list)
    attached_messages: list[AttachedMessage] = field(default_factory=list)


@dataclass
class ParsedEmail:
    message_id: str
    subject: str
    from_address: str
    from_name: str
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    text: str = ""
    html: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    auto_reason: str = ""
    is_bounce: bool = False
    is_list: bool = False
    bounced_ids: list[str] = field(default_factory=list)
    bounce_reason: str = ""
    attached_messages: list[AttachedMessage] = field(default_factory=list)
    # What was read leniently (a header that is not strictly RFC 5322, a repaired boundary, ...).
    warnings: list[str] = field(default_factory=list)


def python_codec(label: str | None) -> str | None:
    """The codec for a MIME charset label, with the Korean labels mapped to cp949."""
    if not label:
        return None
    label = label.strip().strip('"').lower()
    if label in _CP949_LABELS:
        return "cp949"
    try:
        "".encode(label)
    except LookupError:
        return None
    return label


def decode_bytes(data: bytes, label: str | None = None) -> str:
    """Bytes to text: the declared charset, then UTF-8, cp949, and detection; never raises."""
    codec = python_codec(label)
    # A declared charset that fails is more often mislabelled UTF-8 than anything else; guess after.
    for candidate in (codec, "utf-8") if codec else ("utf-8", "cp949"):
        if candidate is None:
            continue
        try:
            return data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
    if codec:
        return data.decode(codec, errors="replace")
    best = charset_normalizer.from_bytes(data).best()
    guess = python_codec(best.encoding) if best is not None else None
    return data.decode(guess or "utf-8", errors="replace")


def decode_header_value(raw: str) -> str:
    """Decode a raw header (RFC 2047 words, possibly broken or split mid-character, or raw 8-bit)."""
    raw = re.sub(r"\r?\n[ \t]", " ", raw)[:_MAX_HEADER]
    out: list[str] = []
    pending: list[tuple[str, bytes]] = []  # adjacent encoded words join as bytes before decoding
    pos = 0
    for match in _ENCODED_WORD.finditer(raw):
        between = raw[pos : match.start()]
        if between and not (pending and between.isspace()):
            _flush(pending, out)
            out.append(_decode_plain(between))
        charset = match.group(1).split("*", 1)[0]
        data = _decode_word(match.group(2), match.group(3))
        if pending and pending[-1][0].lower() != charset.lower():
            _flush(pending, out)
        pending.append((charset, data))
        pos = match.end()
    _flush(pending, out)
    out.append(_decode_plain(raw[pos:]))
    # Only ASCII white space folds: an ideographic space (U+3000) in a Japanese name is part of it.
    return _ASCII_SPACE.sub(" ", "".join(out)).strip(" ")


def _decode_word(kind: str, text: str) -> bytes:
    if kind.lower() == "q":
        return quopri.decodestring(text.replace("_", " ").encode("ascii", "replace"), header=True)
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.b64decode(padded)
    except (binascii.Error, ValueError):
        return text.encode("ascii", "replace")


def _flush(pending: list[tuple[str, bytes]], out: list[str]) -> None:
    if pending:
        out.append(decode_bytes(b"".join(data for _c, data in pending), pending[0][0]))
        pending.clear()


def _decode_plain(text: str) -> str:
    if text.isascii():
        return text
    return decode_bytes(text.encode("utf-8", "surrogateescape"))


class _RememberingPolicy(EmailPolicy):
    """``policy.default`` that parses each distinct header value once.

    The default policy builds a new structured header on every access, and the parser itself asks a
    part for its Content-Type a dozen times (type, main type, boundary, charset): that was 80% of the
    time to parse a message. Header objects are immutable, so handing the same one out again is safe.
    """

    def header_fetch_parse(self, name: str, value: str) -> Any:
        if hasattr(value, "name"):  # already a header object
            return value
        return _parsed_header(name, value)


_POLICY = _RememberingPolicy()  # the same settings as policy.default


@functools.lru_cache(maxsize=1024)
def _parsed_header(name: str, value: str) -> Any:
    return policy.default.header_fetch_parse(name, value)


def parse_message_bytes(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=_POLICY)
    if not isinstance(message, EmailMessage):  # pragma: no cover - policy.default always builds these
        raise ParseError("unexpected message class")
    return message


def raw_header(message: email.message.Message, name: str) -> str:
    """The header value as received (surrogate escapes intact), or "" when absent."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return str(value)
    return ""


def header_text(message: email.message.Message, name: str) -> str:
    return decode_header_value(raw_header(message, name))


def addresses(message: email.message.Message, name: str) -> list[tuple[str, str]]:
    """(decoded display name, lower-case address) pairs of an address header; junk entries dropped."""
    values = [str(v) for k, v in message.raw_items() if k.lower() == name.lower()]
    pairs = email.utils.getaddresses([re.sub(r"\r?\n[ \t]", " ", v)[:_MAX_HEADER] for v in values])
    result = []
    for display, address in pairs:
        address = _decode_plain(address.strip().strip("<>")).lower()
        if "@" in address and " " not in address:  # RFC 6532 allows UTF-8 addresses
            result.append((decode_header_value(display), address))
    return result


def message_ids(value: str) -> list[str]:
    """Message-IDs in a header value, without angle brackets, in order."""
    found = re.findall(r"<([^<>\s]+)>", value)
    if not found and value.strip() and "@" in value:
        found = [value.strip().strip("<>")]
    return [item[:250] for item in found]


def mime_head(part: email.message.Message) -> email.message.Message:
    """The part's Content-Type/-Disposition as a legacy (compat32) message: plain strings, cheap to query.

    ``policy.default`` re-parses a structured header on every access; a message walks its parts often.
    """
    head = email.message.Message()
    for header in ("Content-Type", "Content-Disposition"):
        value = raw_header(part, header)
        if value:
            # compat32 turns raw 8-bit bytes into U+FFFD: decode them first (UTF-8, then cp949, then detection).
            head[header] = _decode_plain(re.sub(r"\r?\n[ \t]", " ", value))
    return head


def part_text(part: email.message.Message, head: email.message.Message | None = None) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = (head or mime_head(part)).get_content_charset()
    return decode_bytes(payload, charset).replace("\r\n", "\n").replace("\r", "\n")


def part_filename(head: email.message.Message) -> str:
    """The attachment's name, RFC 2231 or RFC 2047 encoded, in any charset label we know."""
    for param, header in (("filename", "content-disposition"), ("name", "content-type")):
        value = head.get_param(param, header=header)
        if isinstance(value, tuple):
            charset, _lang, text = value
            try:  # RFC 2231: %XX escapes arrive as latin-1 characters, one per byte
                data = text.encode("latin-1")
            except UnicodeEncodeError:  # raw UTF-8 in the parameter, already decoded by mime_head
                return text
            return decode_bytes(data, charset or None)
        if isinstance(value, str) and value:
            return decode_header_value(email.utils.unquote(value))
    return ""


def sanitise_html(html: str) -> str:
    """Customer HTML made safe to show; cid: images stay as references to the stored attachments."""
    return nh3.clean(html, url_schemes={"http", "https", "mailto", "cid"})


__all__ = [
    "ParseError",
    "ParsedAttachment",
    "ParsedEmail",
    "addresses",
    "decode_bytes",
    "decode_header_value",
    "header_text",
    "html_to_text",
    "message_ids",
    "mime_head",
    "parse_message_bytes",
    "part_filename",
    "part_text",
    "python_codec",
    "raw_header",
    "sanitise_html",
]
