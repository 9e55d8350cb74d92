"""The one error shape of the REST API (R-API-3).

Every error answers ``{"code", "message", "fields": {name: [messages]}, "request_id"}``, plus
extra keys where an error needs them (``allowed`` for a refused stage move).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.http import HttpRequest, JsonResponse

from soridam.lib.request_id import request_id_of

CODES_BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "validation_error",
    429: "rate_limited",
}

# Where a validation error is about the request as a whole rather than one field.
NON_FIELD = "non_field_errors"


class ApiError(Exception):
    """An error an endpoint raises on purpose; the API turns it into the error shape."""

    def __init__(self, status: int, code: str, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


def error_response(
    request: HttpRequest,
    status: int,
    message: str,
    *,
    code: str = "",
    fields: Mapping[str, list[str]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JsonResponse:
    payload: dict[str, Any] = {
        "code": code or CODES_BY_STATUS.get(status, "error"),
        "message": message,
        "fields": dict(fields or {}),
        "request_id": request_id_of(request),
    }
    payload.update(extra or {})
    return JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})


def field_errors(field: str, message: str) -> dict[str, list[str]]:
    return {field: [message]} if field else {}


def validation_fields(errors: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """django-ninja's error list as ``{field: [messages]}``.

    A location is (source, [parameter name,] field path…): ``("body", "payload", "customer", "email")``
    becomes ``customer.email`` and ``("query", "limit")`` becomes ``limit``.
    """
    fields: dict[str, list[str]] = {}
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        path = location[2:] if location[:1] == ["body"] else location[1:]
        fields.setdefault(".".join(path) or NON_FIELD, []).append(str(error.get("msg", "Invalid value.")))
    return fields
