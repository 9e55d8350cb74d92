"""The admin site's sign-in, under the same per-address and per-account limit as the workspace's (R-SEC-9), and
the same lockout (R-SEC-2). Its second factor is asked for afterwards, by TwoFactorRequiredMiddleware."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from soridam.accounts import lockout, two_factor
from soridam.lib.ratelimit import RateLimited, check_login_attempt


def limited_admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    if request.method != "POST":
        return admin.site.login(request, extra_context)
    try:
        check_login_attempt(request)
    except RateLimited as limited:
        return _too_many_attempts(limited.retry_after)
    name = str(request.POST.get("username", ""))
    account = lockout.account_named(name)
    until = lockout.locked_until(account, name)
    if until is not None:
        return _refused(lockout.locked_message(until), status=403)
    response = admin.site.login(request, extra_context)
    if request.user.is_authenticated:
        if not two_factor.is_required(request.user):
            lockout.clear_failures(request.user)
    else:
        until = lockout.register_failure(account, name)
        if until is not None:
            return _refused(lockout.locked_message(until), status=403)
    return response


def _too_many_attempts(retry_after: int) -> HttpResponse:
    text = _("Too many sign-in attempts. Try again in %(seconds)d seconds.") % {"seconds": retry_after}
    response = _refused(text, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def _refused(text: str, *, status: int) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
