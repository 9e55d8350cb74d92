"""The "log a call" page (the phone log, kind ``phone``)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from soridam.accounts.staff import StaffRequest, staff_required
from soridam.workspace.call_forms import LogCallForm
from soridam.workspace.phone_log import record_logged_call


@staff_required
@require_http_methods(["GET", "POST"])
def log_call(request: StaffRequest) -> HttpResponse:
    form = LogCallForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid() and (call := record_logged_call(request.user, form)) is not None:
        return redirect("workspace:case", call.case_id)
    return render(request, "workspace/log_call.html", {"form": form}, status=400 if form.is_bound else 200)
