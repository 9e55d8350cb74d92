"""The second factor's pages: enrol an authenticator, and give a code after the password (R-SEC-2)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from soridam.accounts import lockout, two_factor
from soridam.accounts.models import User


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Scan the QR code, confirm one code, see the recovery codes once. Only without an authenticator: a stolen
    password must not be enough to replace one (a lost one is reset by an admin deleting the devices)."""
    user: User = request.user  # type: ignore[assignment]
    if two_factor.is_enrolled(user):
        return redirect("accounts:two_factor_verify")
    device = two_factor.pending_device(user)
    context = {"qr": two_factor.qr_svg(device), "key": _spaced_key(device.config_url), "next": _next(request)}
    if request.method == "POST":
        codes = two_factor.confirm_enrolment(request, user, str(request.POST.get("code", "")))
        if codes is not None:
            lockout.clear_failures(user)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)})
        context["error"] = _("That code is not right. Check the time on your phone and try the newest code.")
    return render(request, "accounts/two_factor_setup.html", context, status=400 if "error" in context else 200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not two_factor.is_enrolled(user):
        return redirect("accounts:two_factor_setup")
    context: dict[str, object] = {"next": _next(request)}
    if request.method == "POST":
        until = lockout.locked_until(user)
        if until is None and two_factor.verify(request, user, str(request.POST.get("code", ""))):
            lockout.clear_failures(user)
            return redirect(_next(request))
        until = until or lockout.register_failure(user)
        if until is not None:
            logout(request)  # a locked account keeps no half-signed-in session
            messages.error(request, lockout.locked_message(until))
            return redirect(settings.LOGIN_URL)
        context["error"] = _("That code is not right.")
    return render(request, "accounts/two_factor_verify.html", context, status=400 if "error" in context else 200)


def _next(request: HttpRequest) -> str:
    target = str(request.POST.get("next") or request.GET.get("next") or "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _spaced_key(config_url: str) -> str:
    """The base32 key from the otpauth URI in groups of four, for typing into an app by hand."""
    secret = config_url.split("secret=", 1)[1].split("&", 1)[0]
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))
