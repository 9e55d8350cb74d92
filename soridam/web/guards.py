"""Decorators and small response helpers shared by the public views: rate limits, private links, friendly 404s."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control

from soridam.cases.models import Case
from soridam.lib.ratelimit import RateLimited, check_rate, client_ip
from soridam.lib.security_headers import mark

View = Callable[..., HttpResponseBase]

# Set on the redirect after filing, scoped to that case's tracking path, so the next page view shows the
# reference and link banner once. It holds no secret: whoever sends it is already on the tracking page.
FILED_COOKIE = "soridam_filed"


def limit_posts(scope: str) -> Callable[[View], View]:
    """Count each POST against the scope's per-IP budget; over it, answer 429 with Retry-After."""
    return _limit(scope, methods=frozenset({"POST"}))


def limit_requests(scope: str) -> Callable[[View], View]:
    """Count every request: a page whose URL is a secret must not let anyone guess URLs at full speed."""
    return _limit(scope, methods=None)


def _limit(scope: str, *, methods: frozenset[str] | None) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if methods is None or request.method in methods:
                try:
                    check_rate(scope, client_ip(request))
                except RateLimited as limited:
                    return too_many_requests(request, limited.retry_after)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = render(request, "web/rate_limited.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def private_link_page(view: View) -> View:
    """For pages whose URL carries a secret token: no Referer ever carries the path, no search engine indexes
    the page (the "private_link" policy in soridam/lib/security_headers.py), and no shared cache keeps it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        mark(response, "private_link")
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapper


def friendly_not_found(template: str) -> Callable[[View], View]:
    """A forged, expired or unknown link gets a page that says what to do next (still HTTP 404)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                return view(request, *args, **kwargs)
            except Http404:
                return render(request, template, status=404)

        return wrapper

    return decorate


def tracking_path(case: Case) -> str:
    return reverse("web:track", args=[case.tracking_token])


def remember_filing(response: HttpResponse, case: Case) -> None:
    response.set_cookie(
        FILED_COOKIE,
        "1",
        max_age=600,
        path=tracking_path(case),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def forget_filing(response: HttpResponse, case: Case) -> None:
    response.delete_cookie(FILED_COOKIE, path=tracking_path(case), samesite="Lax")
