"""503 with ``Retry-After`` while the database cannot be reached (``handler500``).

During a PostgreSQL restart or fail-over, or while another process holds the SQLite file past the busy timeout,
the driver raises ``OperationalError`` or ``InterfaceError`` from wherever the request happened to be: a view,
the session middleware, the API's token check. A 500 would tell the caller its request is broken; a 503 tells a
browser, an API client or a provider's webhook to try the same request again shortly. Every other error stays a
500. Django calls this handler inside its ``except`` block, so the error being handled is ``sys.exception()``.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

from soridam.lib.api_errors import error_response

RETRY_AFTER_SECONDS = 5
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)
API_PREFIX = "/api/"


def server_error(request: HttpRequest) -> HttpResponse:
    if isinstance(sys.exception(), DATABASE_UNREACHABLE):
        return unavailable(request)
    return defaults.server_error(request)


def unavailable(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        message = _("The service is briefly unavailable. Please try again in a few seconds.")
        response = error_response(request, 503, message, code="unavailable")
    else:  # rendered without a request context, as Django's 500 page is: the context may need the database
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
