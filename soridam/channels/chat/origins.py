"""Which pages may talk to the chat: the Origin allowlist (``SORIDAM_CHAT_ALLOWED_ORIGINS``)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def origin_allowed(origin: str) -> bool:
    """An exact scheme://host[:port] match; a missing Origin is not allowed (browsers always send it)."""
    wanted = origin.strip().rstrip("/").lower()
    return bool(wanted) and wanted in {o.rstrip("/").lower() for o in settings.SORIDAM_CHAT_ALLOWED_ORIGINS}


def same_site(origin: str, host: str) -> bool:
    """An agent's socket comes from our own pages: the Origin's host is the host the socket was opened on
    (the port differs, the socket server has its own). Customer sites on the allowlist do not qualify."""
    origin_host = urlsplit(origin.strip()).hostname or ""
    return bool(origin_host) and origin_host == (urlsplit(f"//{host.strip()}").hostname or "")
