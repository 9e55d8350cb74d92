"""A lead's SLA alerts in the workspace (warnings and breaches of their teams' cases)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from soridam.accounts.models import User
from soridam.sla.models import LeadNotice


@never_cache
@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    """GET lists the newest alerts; POST marks them all read."""
    user = request.user
    if not isinstance(user, User) or not user.is_support_staff:
        raise PermissionDenied
    notices = LeadNotice.objects.filter(recipient=user)
    if request.method == "POST":
        notices.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("sla:alerts")
    latest = notices.select_related("case").order_by("-created_at", "-id")[:100]
    return render(request, "sla/alerts.html", {"notices": latest})
