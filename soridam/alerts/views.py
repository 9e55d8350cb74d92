"""The agent's notifications: the bell's unread count, the list, opening one, and the digest choice."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soridam.accounts.staff import StaffRequest, staff_required
from soridam.alerts.forms import DigestForm
from soridam.alerts.models import Alert, AlertKind

LIST_LENGTH = 100


def _unread(request: StaffRequest) -> QuerySet[Alert]:
    return Alert.objects.filter(recipient=request.user, read_at__isnull=True)


@staff_required
@require_GET
def unread_count(request: StaffRequest) -> HttpResponse:
    """The bell's number, polled by htmx: one COUNT on the (recipient, read_at, created_at) index."""
    return render(request, "alerts/_count.html", {"count": _unread(request).count()})


@staff_required
@require_http_methods(["GET", "POST"])
def alert_list(request: StaffRequest) -> HttpResponse:
    """GET lists the newest notifications; POST marks them all read."""
    if request.method == "POST":
        _unread(request).update(read_at=timezone.now())
        messages.success(request, _("All notifications are marked read."))
        return redirect("alerts:list")
    alerts = Alert.objects.filter(recipient=request.user).select_related("case", "actor")
    latest = alerts.order_by("-created_at", "-id")[:LIST_LENGTH]
    return render(request, "alerts/list.html", {"alerts": latest})


@staff_required
@require_GET
def open_alert(request: StaffRequest, alert_id: int) -> HttpResponse:
    """Following a notification marks it read and goes to its case (which still checks the agent's scope)."""
    alert = Alert.objects.filter(pk=alert_id, recipient=request.user).first()
    if alert is None:
        raise Http404
    if alert.read_at is None:
        Alert.objects.filter(pk=alert.pk).update(read_at=timezone.now())
    if alert.kind in _OPENS_PAGE and alert.detail.isdigit():
        return redirect(_OPENS_PAGE[alert.kind], int(alert.detail))
    if alert.case_id is None:  # about no case (the audit log): its admin page
        return redirect("admin:audit_auditentry_changelist")
    return redirect("workspace:case", alert.case_id)


# Alerts about more than one case open their own page (the page checks the reader's scope); ``detail`` is its id.
_OPENS_PAGE: dict[str, str] = {
    AlertKind.SPIKE: "rca:spike",
    AlertKind.PROBLEM_RECURRED: "rca:problem",
    AlertKind.NEUTRAL_OUTLIER: "neutrals:neutral",
}


@staff_required
@require_POST
def digest_setting(request: StaffRequest) -> HttpResponse:
    form = DigestForm(request.POST, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Your notification settings are saved."))
    return redirect("workspace:settings")
