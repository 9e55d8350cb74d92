"""Liveness, readiness and Prometheus metrics (R-OPS-5)."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from soridam.lib.metrics import register_collectors


def liveness(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


def readiness(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        return HttpResponse("metrics need a token or an allowed address", status=403, content_type="text/plain")
    register_collectors()
    return HttpResponse(generate_latest(), content_type=CONTENT_TYPE_LATEST)


def metrics_allowed(request: HttpRequest) -> bool:
    """``Authorization: Bearer <SORIDAM_METRICS_TOKEN>`` (compared in constant time), or a client address in
    ``SORIDAM_METRICS_ALLOWED_IPS`` (addresses or networks; loopback by default, for a Prometheus on the host).
    Behind a reverse proxy on the same host every client looks like loopback: set it to "none", use the token."""
    token = str(settings.SORIDAM_METRICS_TOKEN or "")
    given = str(request.headers.get("Authorization", ""))
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(str(request.META.get("REMOTE_ADDR", "")))
    except ValueError:
        return False
    for allowed in settings.SORIDAM_METRICS_ALLOWED_IPS:
        try:
            if address in ipaddress.ip_network(str(allowed), strict=False):
                return True
        except ValueError:
            continue
    return False
