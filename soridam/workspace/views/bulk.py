"""The inbox's bulk form posts here; the agent goes back to the same list with what changed and what was refused."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from soridam.accounts.staff import StaffRequest, staff_required
from soridam.workspace.bulk import BulkResult, merge_into_oldest, run_bulk_change
from soridam.workspace.bulk_forms import BulkForm


def _report(request: StaffRequest, result: BulkResult) -> None:
    if result.changed:
        count = len(result.changed)
        text = ngettext("%(count)d case changed.", "%(count)d cases changed.", count) % {"count": count}
        messages.success(request, text)
    for reference, why in result.refused:
        messages.error(request, _("%(reference)s: %(why)s") % {"reference": reference, "why": why})


def _back(request: StaffRequest, target: str) -> HttpResponse:
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return redirect(target if target.startswith("/workspace/") and allowed else reverse("workspace:inbox"))


@staff_required
@require_POST
def bulk_change(request: StaffRequest) -> HttpResponse:
    form = BulkForm(request.POST, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back(request, request.POST.get("next", ""))
    data = form.cleaned_data
    if data["action"] == "merge":
        _report(request, merge_into_oldest(request.user, data["cases"]))
    else:
        _report(request, run_bulk_change(request.user, data["cases"], data["action"], data))
    return _back(request, data["next"])
