"""Security headers: one table of values, applied by one middleware.

Every response gets the page policy: a Content-Security-Policy that runs scripts only from our own origin
(no inline script, no eval: the templates carry none, ``soridam/behaviours.js`` holds what were inline
handlers) and a Permissions-Policy. A view names a stricter policy its page needs with
``@security_policy(...)``; every file download (a response with ``Content-Disposition: attachment``) gets the
download policy whoever made it. The other headers (nosniff, X-Frame-Options, Referrer-Policy, COOP, HSTS
over TLS) come from Django's SecurityMiddleware and XFrameOptionsMiddleware, configured in settings.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponseBase
from django.http.request import split_domain_port

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

# Why ``style-src 'unsafe-inline'``: htmx adds its indicator <style> and the chat widget its own; styles cannot
# run code. Scripts, the part that matters, stay 'self' only. ``data:`` images: Pico's CSS draws its icons so.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self' {sockets}; frame-src 'self'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'none'; object-src 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


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
        response["Content-Security-Policy"] = PAGE_POLICY.format(sockets=chat_socket_sources(request))
        response["Permissions-Policy"] = PERMISSIONS_POLICY
        for name in policies_of(response):
            for header, value in POLICIES[name].items():
                response[header] = value
        return response


def chat_socket_sources(request: HttpRequest) -> str:
    """Where the workspace's chat panel may open its WebSocket: the configured address, else this host on the
    chat port (CSP's 'self' covers neither another port nor, in older browsers, ws: at all)."""
    configured = str(getattr(settings, "SORIDAM_CHAT_WS_URL", "") or "")
    if configured:
        parts = urlsplit(configured)
        return f"{parts.scheme}://{parts.netloc}"
    try:
        host, _port = split_domain_port(request.get_host())
    except DisallowedHost:  # the error page for a bad Host header: no socket to allow
        return ""
    host = f"[{host}]" if ":" in host else host
    port = getattr(settings, "CHAT_WS_PORT", 0)
    return f"ws://{host}:{port} wss://{host}:{port}"
