"""Reading what strict RFC 5322 parsing refuses: each repair is flagged, the message is never lost.

An agent can read a message whose header is not strictly valid, so such a message is read leniently and
its ``warnings`` say what was repaired; only bytes that are not an e-mail at all are quarantined.
"""

from __future__ import annotations

import email.message
import re

from soridam.channels.email.parse import addresses, decode_header_value, raw_header

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_FIELD = re.compile(rb"^[!-9;-~]+:")
# RFC 2822 section 4.5 (obsolete syntax): white space between the field name and the colon.
_OBSOLETE_FIELD = re.compile(rb"^([!-9;-~]+)[ \t]+:")
_ADDR_SPEC = re.compile(r"[^\s<>()\[\]\\,;:\"@]+@[^\s<>()\[\]\\,;:\"@]+\.[^\s<>()\[\]\\,;:\"@]+")
_ENVELOPE_FROM = re.compile(r"envelope-from\s*<?([^\s<>;()]+@[^\s<>;()]+)>?", re.IGNORECASE)
_FALLBACK_SENDERS = ("Sender", "Reply-To", "Return-Path")


def repair_header_block(raw: bytes) -> tuple[bytes, list[str]]:
    """Raw bytes whose header block the stdlib parser reads whole, and what was repaired.

    The parser ends the header block at the first line that is not a field, so a stray line (or a field
    written ``Name  : value``) sends From, Subject and Content-Type into the body.
    """
    found = _HEADER_END.search(raw)
    if found is None:
        return raw, []
    lines = raw[: found.start()].split(b"\n")
    if all(_is_field_or_continuation(line, index) for index, line in enumerate(lines)):
        return raw, []
    warnings: list[str] = []
    lines = [_modern_field(line, warnings) for line in lines]
    if not _is_field_or_continuation(lines[0], 0):
        return raw, []  # no header at all: not ours to invent one
    kept = _drop_stray_lines(lines, warnings)
    return b"\n".join(kept) + raw[found.start() :], warnings


def _is_field_or_continuation(line: bytes, index: int) -> bool:
    if line[:1] in (b" ", b"\t"):
        return index > 0
    return bool(_FIELD.match(line)) or (index == 0 and line.startswith(b"From "))


def _modern_field(line: bytes, warnings: list[str]) -> bytes:
    match = _OBSOLETE_FIELD.match(line)
    if match is None:
        return line
    note = "obsolete header syntax (white space before the colon) read leniently"
    if note not in warnings:
        warnings.append(note)
    return match.group(1) + b":" + line[match.end() :]


def _drop_stray_lines(lines: list[bytes], warnings: list[str]) -> list[bytes]:
    """Skip a line that is no field when fields follow it (a body without a blank line keeps its text)."""
    last_field = max(i for i, line in enumerate(lines) if _is_field_or_continuation(line, i))
    kept = []
    for index, line in enumerate(lines):
        if index < last_field and not _is_field_or_continuation(line, index):
            warnings.append("a malformed header line was skipped")
            continue
        kept.append(line)
    return kept


def has_header(message: email.message.Message) -> bool:
    """Whether the bytes began with a header block at all (a picture or a text file does not)."""
    return bool(message.keys()) or bool(message.get_unixfrom())


def sender(message: email.message.Message) -> tuple[str, str, list[str]]:
    """(display name, address, warnings): From read strictly, then leniently, then from other headers."""
    value = raw_header(message, "From")
    found = addresses(message, "From")
    if len(found) > 1 and (angle := _single_angle_address(value)) is not None:
        return angle[0], angle[1], ["the From display name contains an @; the address in angle brackets is the sender"]
    if found:
        name, address = found[0]
        warnings = ["more than one From address; the first is taken as the sender"] if len(found) > 1 else []
        return name, address, warnings + _international(address)
    lenient = _lenient_address(value)
    if lenient is not None:
        name, address = lenient
        return name, address, ["the From header is not valid RFC 5322; its address was read leniently"]
    return _fallback_sender(message)


def _single_angle_address(value: str) -> tuple[str, str] | None:
    """``alice@example.com <bob@example.com>``: one address in angle brackets after a display name with an @."""
    match = re.fullmatch(r"\s*([^<>,]*?)\s*<([^<>,\s]+@[^<>,\s]+)>\s*", re.sub(r"\r?\n[ \t]", " ", value))
    if match is None:
        return None
    return decode_header_value(match.group(1).strip('"')), match.group(2).lower()


def _international(address: str) -> list[str]:
    if address.isascii():
        return []
    return ["the sender's address is internationalised (RFC 6532)"]


def _lenient_address(value: str) -> tuple[str, str] | None:
    """Comments, folding white space and obsolete spacing inside the address removed (RFC 2822 section 4.4)."""
    value = decode_header_value(value)
    if not value:
        return None
    cleaned = re.sub(r"\s*([@.])\s*", r"\1", _without_comments(value))
    match = re.search(r"<\s*(" + _ADDR_SPEC.pattern + r")\s*>", cleaned) or _ADDR_SPEC.search(cleaned)
    if match is None:
        return None
    name = cleaned[: match.start()].strip(" <\"'")
    return name, match.group(match.lastindex or 0).strip(".").lower()


def _without_comments(value: str) -> str:
    """``(comments)`` outside quoted strings dropped; they may nest."""
    out: list[str] = []
    depth, quoted = 0, False
    for char in value:
        if char == '"' and depth == 0:
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
            continue
        elif not quoted and char == ")" and depth:
            depth -= 1
            continue
        if depth == 0:
            out.append(char)
    return "".join(out)


def _fallback_sender(message: email.message.Message) -> tuple[str, str, list[str]]:
    for header in _FALLBACK_SENDERS:
        found = addresses(message, header)
        if found:
            return found[0][0], found[0][1], [f"no usable From address; the sender was taken from {header}"]
    envelope = _ENVELOPE_FROM.search(raw_header(message, "Received"))
    unixfrom = _ADDR_SPEC.match((message.get_unixfrom() or "").removeprefix("From "))
    for match in (envelope, unixfrom):
        if match is not None:
            address = match.group(match.lastindex or 0).lower()
            return "", address, ["no usable From address; the sender was taken from the envelope"]
    return "", "", ["no sender address: the message cannot be answered by e-mail"]
