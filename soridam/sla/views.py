"""A lead's SLA alerts in the workspace (warnings and breaches of their teams' cases)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from soridam.accounts.staff import StaffRequest, staff_required
from soridam.sla.models import LeadNotice


@staff_required
def alerts(request: StaffRequest) -> HttpResponse:
    """GET lists the newest alerts; POST marks them all read."""
    notices = LeadNotice.objects.filter(recipient=request.user)
    if request.method == "POST":
        notices.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("sla:alerts")
    latest = notices.select_related("case").order_by("-created_at", "-id")[:100]
    return render(request, "sla/alerts.html", {"notices": latest})
