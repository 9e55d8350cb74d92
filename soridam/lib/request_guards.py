"""Requests no page can serve, answered with a 400 before any view, form or CSRF check reads them.

- A NUL byte in the path or query string: PostgreSQL refuses it in a query, so a lookup by a token that holds
  one would fail with a 500 deep inside a view.
- A form posted in another character set than UTF-8: Django refuses to decode it (BadRequest), and its own
  400 page then reads the form again for the CSRF token and fails with a 500.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _

_FORM_TYPE = "application/x-www-form-urlencoded"
_UTF8 = frozenset({"utf-8", "utf8"})


def refusal(request: HttpRequest) -> str:
    """Why the request cannot be served, or "" when it can."""
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "").lower():
        return _("The address contains a character that is not allowed.")
    content_type, _sep, parameters = request.META.get("CONTENT_TYPE", "").partition(";")
    if content_type.strip().lower() == _FORM_TYPE:
        charset = _charset(parameters)
        if charset and charset not in _UTF8:
            return _("The form was sent in the %(charset)s character set. Please send it as UTF-8.") % {
                "charset": charset[:40]
            }
    return ""


def _charset(parameters: str) -> str:
    for parameter in parameters.split(";"):
        name, _sep, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return ""


def bad_request_response(message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 400 page (``handler400``). Django's own reads the form for its CSRF token, which fails again when
    the form itself was what could not be read; this one reads nothing."""
    return bad_request_response(_("The request could not be read. Please check the address or the form and try again."))


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        reason = refusal(request)
        if reason:
            return bad_request_response(reason)
        return self.get_response(request)
