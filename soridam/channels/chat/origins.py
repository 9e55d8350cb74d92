"""Which pages may talk to the chat: the Origin allowlist (``SORIDAM_CHAT_ALLOWED_ORIGINS``)."""

from __future__ import annotations

from django.conf import settings


def origin_allowed(origin: str) -> bool:
    """An exact scheme://host[:port] match; a missing Origin is not allowed (browsers always send it)."""
    wanted = origin.strip().rstrip("/").lower()
    return bool(wanted) and wanted in {o.rstrip("/").lower() for o in settings.SORIDAM_CHAT_ALLOWED_ORIGINS}
