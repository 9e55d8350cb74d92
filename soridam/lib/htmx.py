"""Whether a request comes from htmx and wants a fragment rather than the whole page."""

from __future__ import annotations

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """htmx marks its requests with ``HX-Request: true``. A history restore (Back to a page that fell out of
    htmx's history cache) carries the mark too, but it replaces the whole document: it needs the full page,
    and a fragment there would leave the visitor on a bare panel."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"
