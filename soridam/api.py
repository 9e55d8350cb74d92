"""Mounts each domain app's router under /api/v1/, with bearer auth, the idempotency guard and one error shape.

The OpenAPI document (/api/v1/openapi.json) and the interactive docs (/api/v1/docs) need no token.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.types import DictStrAny

from soridam.accounts.api import BearerAuth
from soridam.accounts.api import router as teams_router
from soridam.cases.api import router as cases_router
from soridam.cases.errors import CaseError, InvalidTransition
from soridam.channels.chat.api import router as chat_router
from soridam.customers.api import router as customers_router
from soridam.idempotency.guard import HEADER as IDEMPOTENCY_HEADER
from soridam.idempotency.guard import idempotent
from soridam.lib.api_errors import NON_FIELD, ApiError, error_response, field_errors, validation_fields
from soridam.lib.keyset import BadCursor
from soridam.lib.ratelimit import RateLimited
from soridam.policy.api import router as remedies_router

ERROR_SCHEMA: DictStrAny = {
    "type": "object",
    "required": ["code", "message", "fields", "request_id"],
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "request_id": {"type": "string"},
        "allowed": {"type": "array", "items": {"type": "string"}},
    },
}

IDEMPOTENCY_PARAMETER: DictStrAny = {
    "name": IDEMPOTENCY_HEADER,
    "in": "header",
    "required": False,
    "description": "Repeat a POST or PATCH safely: the same key and body within 24 hours replay the first response.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}


class SoridamAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: DictStrAny | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        _document_conventions(schema)
        return schema

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _method_errors_in_error_shape(pattern.callback)
        return patterns, app_name, namespace


def _method_errors_in_error_shape(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """django-ninja answers a wrong method with a bare 405; give it the API's error shape."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        shaped = error_response(request, 405, _("This path does not accept %(m)s.") % {"m": request.method})
        shaped["Allow"] = response["Allow"]
        return shaped

    return wrapped


def _document_conventions(schema: OpenAPISchema) -> None:
    """Add what every operation shares: the error shape, and the idempotency header on writes."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {
        "description": "Error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            operation.setdefault("responses", {}).setdefault("4XX", error)
            if method in ("post", "patch"):
                operation.setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)


bearer = BearerAuth()
api = SoridamAPI(
    title="Soridam API",
    version="1",
    description="Cases, messages, customers and teams. Send `Authorization: Bearer <token>`.",
    urls_namespace="api",
    auth=bearer,
)
api.add_decorator(idempotent(bearer), mode="view")
api.add_router("", cases_router)
api.add_router("", customers_router)
api.add_router("", teams_router)
api.add_router("", chat_router)
api.add_router("", remedies_router)

# Unknown paths under /api/v1/ answer in the error shape too, not with Django's HTML page.
fallback_router = Router()


@fallback_router.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def unknown_path(request: HttpRequest, rest: str) -> HttpResponse:
    raise Http404


api.add_router("", fallback_router)


def _on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return error_response(request, 422, _("The request is not valid."), fields=validation_fields(exc.errors))


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        message = _("The request body is not valid JSON.")
        return error_response(request, 400, message, fields={NON_FIELD: [message]})
    return error_response(request, exc.status_code, exc.message)


def _on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(request, 401, _("Send a valid API token as 'Authorization: Bearer <token>'."))
    response["WWW-Authenticate"] = "Bearer"
    return response


def _on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(request, 404, _("Not found."))


def _on_permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(request, 403, _("You may not do this."))


def _on_case_error(request: HttpRequest, exc: CaseError) -> HttpResponse:
    extra: dict[str, Any] = {"allowed": exc.allowed} if isinstance(exc, InvalidTransition) else {}
    fields = field_errors(exc.field, exc.message)
    return error_response(request, exc.status, exc.message, code=exc.code, fields=fields, extra=extra)


def _on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    fields = field_errors(exc.field, exc.message)
    return error_response(request, exc.status, exc.message, code=exc.code, fields=fields)


def _on_rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = error_response(request, 429, _("Too many requests. Retry after %(s)s seconds.") % {"s": exc.retry_after})
    response["Retry-After"] = str(exc.retry_after)
    return response


def _on_bad_cursor(request: HttpRequest, exc: BadCursor) -> HttpResponse:
    message = _("The cursor is not valid. Use a next_cursor value from a previous page.")
    return error_response(request, 400, message, code="bad_cursor", fields={"cursor": [message]})


def _on_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(request, 413, _("The request body is too large."))


def _on_invalid_value(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    message = _("The request is not valid.")
    return error_response(request, 422, message, fields={NON_FIELD: [str(m) for m in exc.messages]})


E = TypeVar("E", bound=Exception)


def _handle(exc_class: type[E], handler: Callable[[HttpRequest, E], HttpResponse]) -> None:
    # django-ninja types handlers as taking the exception or its class; ours only ever get instances.
    api.add_exception_handler(exc_class, cast(Any, handler))


_handle(ValidationError, _on_validation_error)
_handle(HttpError, _on_http_error)
_handle(AuthenticationError, _on_authentication_error)
_handle(Http404, _on_not_found)
_handle(PermissionDenied, _on_permission_denied)
_handle(CaseError, _on_case_error)
_handle(ApiError, _on_api_error)
_handle(RateLimited, _on_rate_limited)
_handle(BadCursor, _on_bad_cursor)
_handle(RequestDataTooBig, _on_too_large)
_handle(DjangoValidationError, _on_invalid_value)
