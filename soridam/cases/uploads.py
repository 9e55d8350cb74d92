"""Attachment checks: count, size, and a type read from the content, never from the name (R-CASE-6)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

# (magic prefix, offset, MIME type). Only types a complaint plausibly needs; no HTML, SVG or scripts.
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"%PDF-", 0, "application/pdf"),
    (b"PK\x03\x04", 0, "application/zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "application/x-ole-storage"),  # HWP 5, legacy Office
    (b"ftypheic", 4, "image/heic"),
    (b"ftypmif1", 4, "image/heif"),
    (b"ftypisom", 4, "video/mp4"),
    (b"ftypmp42", 4, "video/mp4"),
)


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes
    content_type: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


class UploadRefused(ValueError):
    pass


def sniff(content: bytes) -> str | None:
    head = content[:64]
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for magic, offset, mime in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return mime
    if _is_plain_text(content):
        return "text/plain"
    return None


def _is_plain_text(content: bytes) -> bool:
    sample = content[:8192]
    # Text that starts like markup could be HTML or SVG, which a browser would run.
    if b"\x00" in sample or sample.lstrip()[:1] == b"<":
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # a multi-byte character cut at the sample's end is fine
            return False
    return True


def clean_filename(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip().replace("\x00", "")
    return base[:200] or "attachment"


def check_upload(filename: str, content: bytes) -> Upload:
    """An accepted upload, or UploadRefused with a message for the person who sent it."""
    if len(content) > settings.SORIDAM_MAX_ATTACHMENT_BYTES:
        limit_mb = settings.SORIDAM_MAX_ATTACHMENT_BYTES // (1024 * 1024)
        raise UploadRefused(_("%(name)s is larger than %(limit)d MB.") % {"name": filename, "limit": limit_mb})
    if not content:
        raise UploadRefused(_("%(name)s is empty.") % {"name": filename})
    content_type = sniff(content)
    if content_type is None:
        raise UploadRefused(_("%(name)s is not a file type we accept.") % {"name": filename})
    return Upload(filename=clean_filename(filename), content=content, content_type=content_type)


def check_upload_count(count: int) -> None:
    if count > settings.SORIDAM_MAX_ATTACHMENTS:
        raise UploadRefused(_("At most %(count)d files can be attached.") % {"count": settings.SORIDAM_MAX_ATTACHMENTS})
