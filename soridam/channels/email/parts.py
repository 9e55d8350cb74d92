"""The MIME tree of a message read into body text, HTML, real files and attached messages.

Containers (``multipart/*``) are never files; a message attached or forwarded inside another is read as a
message of its own; a multipart the stdlib could not split (an illegal or missing boundary) is split again
leniently, and when that fails its content is read as text rather than lost.
"""

from __future__ import annotations

import email.message
import re
from dataclasses import dataclass, field
from email.generator import BytesGenerator
from email.policy import compat32
from io import BytesIO

from soridam.channels.email import lenient
from soridam.channels.email.htmltext import image_placeholders
from soridam.channels.email.parse import (
    AttachedMessage,
    ParsedAttachment,
    decode_bytes,
    header_text,
    html_to_text,
    message_ids,
    mime_head,
    parse_message_bytes,
    part_filename,
    part_text,
    raw_header,
    sanitise_html,
)
from soridam.channels.email.uuencoded import split_uuencoded

_MAX_DEPTH = 8  # attached messages inside attached messages; deeper ones are kept as .eml files
_TEXT_TYPES = frozenset(("text/plain", "text/html", "text/enriched", "text/richtext", "application/plain"))
_PLAIN_ALTERNATIVES = frozenset(("text/enriched", "text/richtext"))
_MESSAGE_TYPES = frozenset(("message/rfc822", "message/global"))
_BOUNDARY_LINE = re.compile(rb"^--([ -~]{1,70}?)(?:--)?[ \t]*\r?$", re.MULTILINE)


@dataclass
class Body:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    files: list[ParsedAttachment] = field(default_factory=list)
    messages: list[AttachedMessage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    is_bounce: bool = False
    bounce_reason: str = ""
    bounced_ids: list[str] = field(default_factory=list)

    def text(self) -> str:
        """Never empty while any text or HTML exists in the tree: own text, own HTML, then attached messages."""
        own = "\n\n".join(t.strip("\n") for t in self.texts if t.strip())
        if own:
            return own
        html = "\n".join(self.htmls)
        from_html = (html_to_text(html) or image_placeholders(html)) if html else ""
        if from_html:
            return from_html
        return next((m.text for m in self.messages if m.text.strip()), "")

    def safe_html(self) -> str:
        return sanitise_html("\n".join(self.htmls)) if self.htmls else ""

    def warn(self, note: str) -> None:
        if note not in self.warnings:
            self.warnings.append(note)


def read_body(message: email.message.Message, depth: int = 0) -> Body:
    body = Body()
    _walk(message, body, depth)
    return body


def _walk(part: email.message.Message, body: Body, depth: int) -> None:
    head = mime_head(part)
    content_type = head.get_content_type()
    if content_type == "multipart/report":
        _read_report(part, head, body)
    elif content_type.startswith("multipart/"):
        _walk_container(part, head, body, depth)
    elif content_type in _MESSAGE_TYPES:
        _attach_message(part, head, body, depth)
    elif content_type == "message/external-body":
        body.warn("a part refers to content stored elsewhere (message/external-body); it was not fetched")
    else:
        _read_leaf(part, head, body, content_type)


def _walk_container(part: email.message.Message, head: email.message.Message, body: Body, depth: int) -> None:
    children = _children(part, head, body)
    if children is None:
        text = part_text(part, head).strip()
        if text:  # the boundary cannot be found: the content is still text a human can read
            body.warn("a multipart without a usable boundary was read as text")
            body.texts.append(text)
        return
    if head.get_content_type() == "multipart/alternative":
        _walk_alternative(children, body, depth)
        return
    for child in children:
        _walk(child, body, depth)


def _children(
    part: email.message.Message, head: email.message.Message, body: Body
) -> list[email.message.Message] | None:
    """The parts of a multipart; re-split leniently when the stdlib could not (illegal boundary syntax)."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [child for child in payload if isinstance(child, email.message.Message)] + _epilogue_parts(part, body)
    data = payload.encode("ascii", "surrogateescape") if isinstance(payload, str) else b""
    children = _resplit(data, head.get_content_type(), _boundary_in(data, head.get_boundary()))
    if children:
        body.warn("an illegal multipart boundary was read leniently")
    return children or None


def _epilogue_parts(part: email.message.Message, body: Body) -> list[email.message.Message]:
    """Parts after a nested multipart that reused its parent's boundary: the stdlib leaves them in the epilogue."""
    epilogue = (part.epilogue or "").encode("ascii", "surrogateescape")
    boundary = part.get_boundary()
    if not boundary or b"--" + boundary.encode("ascii", "replace") not in epilogue:
        return []
    children = _resplit(epilogue, "multipart/mixed", boundary.encode("ascii", "replace"))
    if children:
        body.warn("parts after a reused multipart boundary were recovered")
    return children


def _resplit(data: bytes, content_type: str, boundary: bytes | None) -> list[email.message.Message]:
    if boundary is None:
        return []
    head = b"Content-Type: " + content_type.encode("ascii", "replace") + b'; boundary="' + boundary + b'"\r\n\r\n'
    children = parse_message_bytes(head + data).get_payload()
    return (
        [child for child in children if isinstance(child, email.message.Message)] if isinstance(children, list) else []
    )


def _boundary_in(data: bytes, declared: str | None) -> bytes | None:
    """The declared boundary when the body uses it, else the delimiter line that repeats in the body."""
    if declared:
        wanted = declared.strip().strip('"').encode("ascii", "replace")
        if b"--" + wanted in data:
            return wanted
    seen: dict[bytes, int] = {}
    for match in _BOUNDARY_LINE.finditer(data):
        seen[match.group(1)] = seen.get(match.group(1), 0) + 1
    repeated = [candidate for candidate, count in seen.items() if count >= 2]
    return max(repeated, key=lambda candidate: seen[candidate]) if repeated else None


def _walk_alternative(children: list[email.message.Message], body: Body, depth: int) -> None:
    """The plain text for ``text`` and the richest part for the safe view; the HTML's text when the plain is empty."""
    types = [mime_head(child).get_content_type() for child in children]
    plain = [child for child, kind in zip(children, types, strict=True) if kind == "text/plain"][:1]
    rich = [child for child, kind in zip(children, types, strict=True) if kind != "text/plain"][-1:]
    if plain and rich and mime_head(rich[0]).get_content_type() in _PLAIN_ALTERNATIVES:
        rich = []  # text/enriched beside text/plain says the same words again
    html_before = len(body.htmls)
    for child in rich:
        _walk(child, body, depth)
    texts_before = len(body.texts)
    for child in plain:
        _walk(child, body, depth)
    if not any(text.strip() for text in body.texts[texts_before:]):
        from_html = html_to_text("\n".join(body.htmls[html_before:]))
        if from_html:
            body.texts.append(from_html)


def _read_leaf(part: email.message.Message, head: email.message.Message, body: Body, content_type: str) -> None:
    disposition = (head.get_content_disposition() or "").lower()
    filename = part_filename(head)
    if content_type in _TEXT_TYPES and disposition != "attachment" and not filename:
        text, files = split_uuencoded(part_text(part, head))
        body.files.extend(files)
        if content_type == "text/html":
            body.htmls.append(text)
        else:
            body.texts.append(_enriched_to_text(text) if content_type != "text/plain" else text)
        return
    _add_file(part, head, body, filename, content_type)


def _enriched_to_text(text: str) -> str:
    """text/enriched (RFC 1896): formatting commands dropped, ``<<`` is a literal ``<``."""
    return re.sub(r"<(/?[A-Za-z0-9-]+)>", "", text).replace("<<", "<")


def _add_file(
    part: email.message.Message, head: email.message.Message, body: Body, filename: str, content_type: str
) -> None:
    data = part.get_payload(decode=True)  # base64, quoted-printable and (x-)uuencode transfer encodings
    content = data if isinstance(data, bytes) else b""
    content_id = raw_header(part, "Content-ID").strip().strip("<>")
    if not content and not filename:
        return  # an empty part without a name is nothing an agent could open
    body.files.append(
        ParsedAttachment(filename or _invented_name(part, content_type, content_id), content_type, content, content_id)
    )


def _invented_name(part: email.message.Message, content_type: str, content_id: str) -> str:
    location = header_text(part, "Content-Location").rsplit("/", 1)[-1].strip()
    if location and "." in location and not content_id:  # HTML refers to it by Content-ID otherwise
        return location
    extension = content_type.rsplit("/", 1)[-1].split("+", 1)[0][:8]
    return f"{content_id or 'attachment'}.{extension}"


def _attach_message(part: email.message.Message, head: email.message.Message, body: Body, depth: int) -> None:
    inner = _inner_message(part)
    filename = part_filename(head)
    if inner is None or depth >= _MAX_DEPTH:
        raw = inner_bytes(inner) if inner is not None else b""
        _keep_as_file(part, head, body, filename, raw)
        return
    body.messages.append(read_attached(inner, filename, depth + 1))


def _keep_as_file(
    part: email.message.Message, head: email.message.Message, body: Body, filename: str, raw: bytes
) -> None:
    data = raw or part.get_payload(decode=True)
    if isinstance(data, bytes) and data:
        body.files.append(ParsedAttachment(filename or "message.eml", head.get_content_type(), data))


def _inner_message(part: email.message.Message) -> email.message.Message | None:
    payload = part.get_payload()
    encoding = raw_header(part, "Content-Transfer-Encoding").strip().lower()
    if isinstance(payload, list) and payload and isinstance(payload[0], email.message.Message):
        if encoding not in ("base64", "quoted-printable"):
            return payload[0]
        # message/rfc822 must be 7bit, 8bit or binary (RFC 2046 5.2.1), yet some clients encode it.
        payload = inner_bytes(payload[0]).decode("ascii", "surrogateescape")
        part = email.message.Message()
        part["Content-Transfer-Encoding"] = encoding
        part.set_payload(payload)
    data = part.get_payload(decode=True)  # a message/rfc822 sent base64 encoded (not allowed, but seen)
    if isinstance(data, bytes) and data.strip():
        inner = parse_message_bytes(data)
        return inner if lenient.has_header(inner) else None
    return None


def read_attached(inner: email.message.Message, filename: str, depth: int) -> AttachedMessage:
    name, address, _warnings = lenient.sender(inner)
    subject = header_text(inner, "Subject")
    body = read_body(inner, depth)
    return AttachedMessage(
        filename=filename or f"{_safe_stem(subject) or 'message'}.eml",
        subject=subject,
        from_address=address,
        from_name=name,
        text=body.text(),
        html=body.safe_html(),
        raw=inner_bytes(inner),
        attachments=body.files,
        attached_messages=body.messages,
    )


def _safe_stem(subject: str) -> str:
    return re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", " ", subject).strip()[:80]


def inner_bytes(inner: email.message.Message) -> bytes:
    """The attached message as bytes, for the agent to open whole (compat32 writes any header back as it came)."""
    out = BytesIO()
    try:
        BytesGenerator(out, mangle_from_=False, policy=compat32).flatten(inner)
    except (ValueError, TypeError, LookupError, UnicodeError):
        return b""
    return out.getvalue()


def _read_report(part: email.message.Message, head: email.message.Message, body: Body) -> None:
    """A delivery report (RFC 3464): which of our messages bounced, and why."""
    body.is_bounce = body.is_bounce or str(head.get_param("report-type") or "").lower() == "delivery-status"
    for child in part.walk():
        child_type = child.get_content_type()
        if child_type == "text/plain" and not body.bounce_reason:
            body.texts.append(part_text(child))
        elif child_type == "message/delivery-status":
            body.bounce_reason = _delivery_status(child)
        elif child_type in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            body.bounced_ids += _returned_ids(child)
        if child_type == "message/delivery-status" and (filename := part_filename(mime_head(child))):
            _add_file(child, mime_head(child), body, filename, child_type)


def _delivery_status(part: email.message.Message) -> str:
    payload = part.get_payload()
    chunks = [str(p) for p in payload] if isinstance(payload, list) else [str(payload)]
    text = "\n".join(chunks)
    wanted = [line.strip() for line in text.splitlines() if line.lower().startswith(("status:", "diagnostic-code:"))]
    return " ".join(wanted)[:500]


def _returned_ids(part: email.message.Message) -> list[str]:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], email.message.Message):
        return message_ids(raw_header(payload[0], "Message-ID"))
    data = part.get_payload(decode=True)
    text = decode_bytes(data) if isinstance(data, bytes) else str(payload)
    match = re.search(r"^message-id:\s*(\S+)", text, re.IGNORECASE | re.MULTILINE)
    return message_ids(match.group(1)) if match else []
