"""The one response that hands a stored file to a browser: attachments (customer and agent) and originals."""

from __future__ import annotations

from typing import IO

from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.utils.http import content_disposition_header

from soridam.cases.uploads import safe_filename, served_type
from soridam.lib.security_headers import mark


def download_response(content: IO[bytes] | bytes, *, filename: str, content_type: str) -> HttpResponseBase:
    """Always a download, under a name that fits its type (``invoice.html`` holding text is served as
    ``invoice.html.txt``), so neither the browser nor the desktop that opens the saved file runs it.
    The download security policy (sandbox CSP, nosniff) is applied by SecurityHeadersMiddleware."""
    name, served = safe_filename(filename, content_type), served_type(content_type)
    response: HttpResponseBase
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=served)
        response["Content-Disposition"] = str(content_disposition_header(as_attachment=True, filename=name))
    else:
        response = FileResponse(content, as_attachment=True, filename=name, content_type=served)
    mark(response, "download")
    return response
