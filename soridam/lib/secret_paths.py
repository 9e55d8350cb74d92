"""Secret tokens out of the logs: a private link's path is the key to a case, so no log line may carry it.

A tracking link (``/track/<token>/``, its reply form and files) and a survey link (``/survey/<token>/``)
are secrets. Django writes the path into the message of a 4xx/5xx line and adds the request itself as the
``request=`` field; both are masked here, whatever logger wrote them.
"""

from __future__ import annotations

import re
from typing import Any

# The path segment after these prefixes is a secret token.
_TOKEN_SEGMENT = re.compile(r"(/(?:track|survey)/)[^/\s'\"?#]+")
MASK = "[token]"


def mask_path(text: str) -> str:
    return _TOKEN_SEGMENT.sub(r"\1" + MASK, text)


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_path(value)
    if hasattr(value, "get_full_path") and hasattr(value, "method"):  # an HttpRequest (settings import this early)
        return f"{value.method} {mask_path(value.get_full_path())}"
    return value


def mask_secret_paths(logger: Any, method_name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: mask secret tokens in every string value and every request of a log record."""
    return {key: _masked(value) for key, value in event_dict.items()}
