"""The analytics pages: the dashboard, its CSV export, the staffing plan and the weekly e-mail opt-in."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from soridam.accounts.staff import StaffRequest, staff_required
from soridam.analytics import dashboard, export, staffing
from soridam.analytics.access import analytics_scope
from soridam.analytics.forms import FilterForm
from soridam.analytics.models import ReportSubscription
from soridam.analytics.staffing import StaffingForm
from soridam.privacy import access_log
from soridam.privacy.forms import ExportForm
from soridam.privacy.models import AccessAction


@staff_required
@require_GET
def dashboard_page(request: StaffRequest) -> HttpResponse:
    scope = analytics_scope(request.user)
    form = FilterForm(request.GET or None, scope=scope)
    context = dashboard.build(form.filters(), scope) | {"form": form, "scope": scope}
    context["subscribed"] = ReportSubscription.objects.filter(user=request.user, weekly=True).exists()
    return render(request, "analytics/dashboard.html", context)


@staff_required
@require_POST
def export_csv(request: StaffRequest) -> HttpResponseBase:
    """The filters come in the query string, the reason in the form: an export without one is refused (R-SEC-5)."""
    scope = analytics_scope(request.user)
    filters = FilterForm(request.GET or None, scope=scope).filters()
    reason = ExportForm(request.POST)
    if not reason.is_valid():
        messages.error(request, str(reason.errors["reason"][0]))
        return redirect(f"{reverse('analytics:dashboard')}?{request.GET.urlencode()}")
    name = f"soridam-analytics-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.csv"
    access_log.record(request, AccessAction.EXPORT, reason=reason.cleaned_data["reason"], detail=name)
    response = StreamingHttpResponse(export.csv_lines(filters, scope), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_required
@require_GET
def staffing_page(request: StaffRequest) -> HttpResponse:
    form = StaffingForm(request.GET or None)
    return render(request, "analytics/staffing.html", {"form": form, **staffing.plan(form.inputs())})


@staff_required
@require_POST
def report_subscription(request: StaffRequest) -> HttpResponse:
    """Leads and admins opt in to (or out of) the weekly report by e-mail."""
    if not analytics_scope(request.user).sees_agents:
        messages.error(request, _("The weekly report goes to leads and admins."))
        return redirect("analytics:dashboard")
    weekly = request.POST.get("weekly") == "on"
    ReportSubscription.objects.update_or_create(user=request.user, defaults={"weekly": weekly})
    messages.success(request, _("You will get the weekly report.") if weekly else _("The weekly report is off."))
    return redirect("analytics:dashboard")
