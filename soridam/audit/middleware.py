"""Tells the permission audit (``audit.permissions``) who is making the request's changes."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from soridam.audit.permissions import request_user


class AuditActorMiddleware:
    """Placed after AuthenticationMiddleware. ``request.user`` stays lazy: it is read only when a permission
    actually changes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request_user.set(_LazyUser(request))
        try:
            return self.get_response(request)
        finally:
            request_user.reset(token)


class _LazyUser:
    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def resolve(self) -> object:
        return getattr(self.request, "user", None)
