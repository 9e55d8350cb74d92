"""Who may use the workspace: signed-in support staff only (agents, leads, admins)."""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Concatenate, ParamSpec, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.cache import never_cache

from soridam.accounts.models import User

P = ParamSpec("P")


class StaffRequest(HttpRequest):
    """A request whose user has passed ``staff_required``."""

    user: User


def staff_required(
    view: Callable[Concatenate[StaffRequest, P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """Anonymous visitors go to the login page; signed-in non-staff get 403. Pages hold personal data,
    so browsers must not cache them."""

    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        if not getattr(request.user, "is_support_staff", False):
            raise PermissionDenied
        return view(cast(StaffRequest, request), *args, **kwargs)

    update_wrapper(wrapped, view)
    return never_cache(login_required(wrapped))
