"""Security headers: one table of values, applied by one middleware.

A view names the policy its page needs with ``@security_policy(...)``; every file download (a response with
``Content-Disposition: attachment``) gets the download policy whoever made it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase

View = Callable[..., HttpResponseBase]

POLICIES: dict[str, dict[str, str]] = {
    # A file is saved, never rendered; opened in a tab anyway, nothing in it runs or loads.
    "download": {
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "X-Content-Type-Options": "nosniff",
        "Cross-Origin-Resource-Policy": "same-origin",
    },
    # A page showing content from outside (an e-mail's sanitised HTML in a sandboxed frame): only our own
    # scripts, images and frames, so nothing in the message may run or call home.
    "external_content": {
        "Content-Security-Policy": (
            "default-src 'self'; frame-src 'self'; img-src 'self'; script-src 'self'; object-src 'none'; "
            "base-uri 'none'"
        ),
    },
    # A page whose URL is a secret (tracking, survey). Why ``strict-origin`` and not ``no-referrer``: under
    # ``no-referrer`` browsers send ``Origin: null`` with the page's own form posts (Fetch spec, "serialize a
    # request origin"), and Django's CSRF check refuses them, so the reply and survey forms would fail in
    # every real browser. ``strict-origin`` sends only the origin (never the path with the token).
    "private_link": {"Referrer-Policy": "strict-origin", "X-Robots-Tag": "noindex, nofollow"},
}
_ATTRIBUTE = "soridam_security_policies"


def security_policy(*names: str) -> Callable[[View], View]:
    """Mark the view's responses for the named policies (applied by SecurityHeadersMiddleware)."""
    unknown = set(names) - POLICIES.keys()
    if unknown:
        raise ValueError(f"unknown security policies: {sorted(unknown)}")

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            response = view(request, *args, **kwargs)
            mark(response, *names)
            return response

        return wrapper

    return decorate


def mark(response: HttpResponseBase, *names: str) -> None:
    setattr(response, _ATTRIBUTE, (*getattr(response, _ATTRIBUTE, ()), *names))


def policies_of(response: HttpResponseBase) -> tuple[str, ...]:
    names: tuple[str, ...] = getattr(response, _ATTRIBUTE, ())
    if response.get("Content-Disposition", "").startswith("attachment"):
        names = (*names, "download")  # last: a download's own values win
    return names


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        for name in policies_of(response):
            for header, value in POLICIES[name].items():
                response[header] = value
        return response
