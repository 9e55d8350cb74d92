"""The agent's presence toggle (online, away, offline)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from soridam.accounts.models import User
from soridam.routing.models import Presence
from soridam.routing.presence import set_presence


@require_POST
@login_required
def presence(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or not user.is_support_staff:
        raise PermissionDenied
    value = request.POST.get("presence", "")
    if value not in Presence.values:
        return HttpResponseBadRequest(_("Unknown presence."))
    set_presence(user, value)
    messages.success(request, _("You are now %(presence)s.") % {"presence": Presence(value).label})
    return redirect("workspace:settings")
