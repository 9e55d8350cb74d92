"""Attachment checks: count, size, and a type read from the content, checked against the name (R-CASE-6).

The content decides the type; the name must fit it. A name that could make a browser or desktop run the
file (``invoice.html``, ``setup.bat``) is refused on the web form, where the customer can fix it at once,
and neutralised everywhere else (``invoice.html.txt``): an e-mail is never lost over an attachment.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePosixPath

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


# The names each accepted type may carry; any other name gets the type's first extension appended.
_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg", ".jfif"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "image/heic": (".heic", ".heif"),
    "image/heif": (".heif", ".heic"),
    "application/pdf": (".pdf",),
    "application/zip": (".zip", ".docx", ".xlsx", ".pptx", ".hwpx", ".odt", ".ods", ".odp"),
    "application/x-ole-storage": (".hwp", ".doc", ".xls", ".ppt"),
    "video/mp4": (".mp4", ".m4v", ".mov"),
    "text/plain": (".txt", ".log"),
    "message/rfc822": (".eml",),
}
# Extensions a browser renders or Windows runs. Nobody needs to send us one from the complaint form.
_MARKUP = (".htm", ".html", ".xhtml", ".shtml", ".mht", ".mhtml", ".svg", ".svgz", ".xml", ".xsl")
_SCRIPTS = (".js", ".mjs", ".jse", ".vbs", ".vbe", ".wsf", ".wsh", ".hta", ".bat", ".cmd", ".ps1", ".psm1", ".sh")
_PROGRAMS = (".com", ".exe", ".scr", ".pif", ".cpl", ".msi", ".msp", ".dll", ".jar", ".lnk", ".reg", ".url", ".inf")
_CONTAINERS = (".chm", ".iso", ".img", ".vhd")
_ACTIVE_EXTENSIONS = frozenset(_MARKUP + _SCRIPTS + _PROGRAMS + _CONTAINERS)
SAFE_FALLBACK_TYPE = "application/octet-stream"


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
    # Text that starts like markup could be HTML or SVG, which a browser would run; a BOM must not hide it.
    if b"\x00" in sample or sample.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"<":
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # a multi-byte character cut at the sample's end is fine
            return False
    return True


def clean_filename(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip().replace("\x00", "")
    return base[:190] or "attachment"  # 190: room for an extension appended by safe_filename


def safe_filename(name: str, content_type: str) -> str:
    """``name`` if its extension fits the type, else with the type's own extension appended
    (``invoice.html`` holding text becomes ``invoice.html.txt``)."""
    base = clean_filename(name)
    allowed = _EXTENSIONS.get(content_type, (".bin",))
    if PurePosixPath(base).suffix.lower() in allowed:
        return base
    return base + allowed[0]


def served_type(content_type: str) -> str:
    """The type a download is served with: only the types we accept, anything else as opaque bytes."""
    return content_type if content_type in _EXTENSIONS else SAFE_FALLBACK_TYPE


def is_active_name(name: str) -> bool:
    """The last extension decides what a browser or desktop does with a file (``a.html.pdf`` is a PDF)."""
    return PurePosixPath(clean_filename(name)).suffix.lower() in _ACTIVE_EXTENSIONS


def check_upload(filename: str, content: bytes, *, refuse_active_names: bool = True) -> Upload:
    """An accepted upload, or UploadRefused with a message for the person who sent it.

    With ``refuse_active_names`` false (e-mail), a name like ``setup.bat`` is neutralised instead.
    """
    if refuse_active_names and is_active_name(filename):
        raise UploadRefused(
            _("%(name)s cannot be attached: files of this kind can run programs. Send a PDF or an image instead.")
            % {"name": filename}
        )
    if len(content) > settings.SORIDAM_MAX_ATTACHMENT_BYTES:
        limit_mb = settings.SORIDAM_MAX_ATTACHMENT_BYTES // (1024 * 1024)
        raise UploadRefused(_("%(name)s is larger than %(limit)d MB.") % {"name": filename, "limit": limit_mb})
    if not content:
        raise UploadRefused(_("%(name)s is empty.") % {"name": filename})
    content_type = sniff(content)
    if content_type is None:
        raise UploadRefused(_("%(name)s is not a file type we accept.") % {"name": filename})
    return Upload(filename=safe_filename(filename, content_type), content=content, content_type=content_type)


def check_upload_count(count: int) -> None:
    if count > settings.SORIDAM_MAX_ATTACHMENTS:
        raise UploadRefused(_("At most %(count)d files can be attached.") % {"count": settings.SORIDAM_MAX_ATTACHMENTS})
