"""The agent's presence toggle (online, away, offline)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from soridam.accounts.staff import StaffRequest, staff_required
from soridam.lib.htmx import is_htmx
from soridam.routing.models import Presence
from soridam.routing.presence import set_presence, workspace_heartbeat
from soridam.routing.templatetags.routing_tags import presence_form


@require_POST
@staff_required
def presence(request: StaffRequest) -> HttpResponse:
    value = request.POST.get("presence", "")
    if value not in Presence.values:
        return HttpResponseBadRequest(_("Unknown presence."))
    set_presence(request.user, value)
    if is_htmx(request):
        return HttpResponse(status=204)  # the header's select already shows it
    messages.success(request, _("You are now %(presence)s.") % {"presence": Presence(value).label})
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect("workspace:settings")


@require_POST
@staff_required
def heartbeat(request: StaffRequest) -> HttpResponse:
    """An open workspace page says it is still open. 204, or the header's switch again when this made the
    agent online (so the select shows it)."""
    if not workspace_heartbeat(request.user):
        return HttpResponse(status=204)
    context = presence_form({"user": request.user, "csrf_token": request.POST.get("csrfmiddlewaretoken")})
    return render(request, "routing/_presence_switch_form.html", {**context, "next": request.POST.get("next", "")})
