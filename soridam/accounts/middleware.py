"""Per-request account rules: the user's language (R-OPS-7), the idle sign-out and the second factor (R-SEC-2)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils import translation

from soridam.accounts import two_factor

IDLE_KEY = "soridam_last_active"
IDLE_SIGNED_OUT_KEY = "soridam_idle_signed_out"
# Requests a page makes on its own (pollers): they are not the person at the keyboard, so they do not keep a
# session alive.
BACKGROUND_VIEWS = frozenset({"routing:heartbeat", "workspace:inbox_changed", "alerts:count"})
# Where a signed-in user who still owes the second factor may go: the factor's own pages, and out.
SECOND_FACTOR_OPEN_VIEWS = frozenset(
    {
        "accounts:two_factor_setup",
        "accounts:two_factor_verify",
        "workspace:logout",
        "workspace:login",
        "admin:logout",
        "set_language",
        "healthz",
        "readyz",
        "metrics",
    }
)


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def start_idle_clock(sender: object, request: HttpRequest, user: object, **kwargs: object) -> None:
    """Stamp the new session at sign-in, so its first pages do not write the session again."""
    if hasattr(request, "session"):
        request.session[IDLE_KEY] = time.time()


class IdleLogoutMiddleware:
    """Sign a session out after ``SORIDAM_IDLE_LOGOUT_SECONDS`` without a request of the user's own.

    The last activity is written at most every minute (or a quarter of the limit, if shorter), so an active
    agent does not rewrite the session on every click."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponseBase | None:
        if not request.user.is_authenticated or not hasattr(request, "session"):
            return None
        now, limit = time.time(), settings.SORIDAM_IDLE_LOGOUT_SECONDS
        last = request.session.get(IDLE_KEY)
        if last is not None and now - float(last) > limit:
            logout(request)  # flushes the session and its key
            request.session[IDLE_SIGNED_OUT_KEY] = True
            if request.headers.get("HX-Request"):  # a poll or a click in a page: the whole page goes to sign-in
                response = HttpResponse(status=204)
                response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
                return response
            return None
        match = request.resolver_match
        if match is not None and match.view_name in BACKGROUND_VIEWS and last is not None:
            return None
        if last is None or now - float(last) >= min(60, limit / 4):
            request.session[IDLE_KEY] = now
        return None


class TwoFactorRequiredMiddleware:
    """A user who needs a second factor reaches nothing but its pages until this session is verified: the
    enrolment page when they have no authenticator yet, else the code page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponseBase | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]  # set by OTPMiddleware
            return None
        match = request.resolver_match
        if match is not None and match.view_name in SECOND_FACTOR_OPEN_VIEWS:
            return None
        if request.path.startswith(settings.STATIC_URL) or not two_factor.is_required(user):
            return None
        name = "accounts:two_factor_verify" if two_factor.is_enrolled(user) else "accounts:two_factor_setup"
        target = f"{reverse(name)}?next={quote(request.get_full_path())}"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
