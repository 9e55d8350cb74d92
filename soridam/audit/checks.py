"""``manage.py check`` warns when a production install signs its audit log with a key derived from SECRET_KEY."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


@register("security")
def audit_key_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if getattr(settings, "SORIDAM_DEMO", True) or getattr(settings, "SORIDAM_AUDIT_KEY", ""):
        return []
    return [
        Warning(
            "SORIDAM_AUDIT_KEY is not set: the audit log's MAC key is derived from SECRET_KEY.",
            hint="Set SORIDAM_AUDIT_KEY (or SORIDAM_AUDIT_KEY_FILE) to a random secret kept out of the "
            "database and apart from SECRET_KEY; move the old key to SORIDAM_AUDIT_OLD_KEYS when rotating.",
            id="soridam.audit.W001",
        )
    ]
