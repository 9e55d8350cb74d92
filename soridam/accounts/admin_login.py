"""The admin site's sign-in, under the same per-address and per-account limit as the workspace's (R-SEC-9)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from soridam.lib.ratelimit import RateLimited, check_login_attempt


def limited_admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    if request.method == "POST":
        try:
            check_login_attempt(request)
        except RateLimited as limited:
            return _too_many_attempts(limited.retry_after)
    return admin.site.login(request, extra_context)


def _too_many_attempts(retry_after: int) -> HttpResponse:
    text = _("Too many sign-in attempts. Try again in %(seconds)d seconds.") % {"seconds": retry_after}
    response = HttpResponse(text, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response
