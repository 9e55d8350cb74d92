"""Signing in and out, and the agent's own settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from soridam.accounts import lockout, two_factor
from soridam.accounts.middleware import IDLE_SIGNED_OUT_KEY
from soridam.accounts.staff import StaffRequest, staff_required
from soridam.lib.ratelimit import RateLimited, check_login_attempt
from soridam.workspace.forms import LanguageForm, StaffAuthenticationForm


def _remember_language(response: HttpResponse, language: str) -> None:
    # The login page a signed-out agent comes back to is in their language too.
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", max_age=365 * 24 * 3600)


class WorkspaceLoginView(LoginView):
    template_name = "workspace/login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            check_login_attempt(request)
        except RateLimited as limited:
            return self._too_many_attempts(limited.retry_after)
        name = str(request.POST.get("username", ""))
        until = lockout.locked_until(lockout.account_named(name), name)
        if until is not None:  # refused before the password is checked: a locked account tells nothing
            return self._refused(lockout.locked_message(until), status=403)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.request.session.pop(IDLE_SIGNED_OUT_KEY, False):
            context["idle_signed_out"] = True
        return context

    def _too_many_attempts(self, retry_after: int) -> HttpResponse:
        text = _("Too many sign-in attempts. Try again in %(seconds)d seconds.") % {"seconds": retry_after}
        response = self._refused(text, status=429)
        response["Retry-After"] = str(retry_after)
        return response

    def _refused(self, text: str, *, status: int) -> HttpResponse:
        context = self.get_context_data(form=self.get_form_class()(self.request))
        context["rate_limited"] = text
        return render(self.request, self.template_name, context, status=status)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        name = str(self.request.POST.get("username", ""))
        until = lockout.register_failure(lockout.account_named(name), name)
        if until is not None:
            return self._refused(lockout.locked_message(until), status=403)
        return super().form_invalid(form)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if not two_factor.is_required(user):  # else the count goes on until the code is right
            lockout.clear_failures(user)
        response = super().form_valid(form)  # login() gives the session a new key
        language = getattr(form.get_user(), "language", "")
        if language:
            _remember_language(response, language)
        return response


login = WorkspaceLoginView.as_view()
logout = LogoutView.as_view()


@staff_required
@require_http_methods(["GET", "POST"])
def user_settings(request: StaffRequest) -> HttpResponse:
    form = LanguageForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        translation.activate(request.user.language)
        messages.success(request, _("Your settings are saved."))
        response = redirect("workspace:settings")
        _remember_language(response, request.user.language)
        return response
    return render(request, "workspace/settings.html", {"form": form}, status=400 if form.errors else 200)
