"""Revealing a masked message body: permission-checked, with a typed reason, written to the access log."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from soridam.accounts.staff import StaffRequest, staff_required
from soridam.audit.actors import Actor
from soridam.cases import privacy_actions
from soridam.cases.access import access_case
from soridam.cases.models import Message
from soridam.lib.htmx import is_htmx
from soridam.privacy import access_log
from soridam.privacy.access import may_reveal_pii, reviews_access_report
from soridam.privacy.access_log import report_month
from soridam.privacy.forms import RevealForm
from soridam.privacy.presenter import shown_message


@staff_required
@require_POST
def reveal_pii(request: StaffRequest, case_id: int, message_id: int) -> HttpResponse:
    if not may_reveal_pii(request.user):
        raise PermissionDenied
    form = RevealForm(request.POST)
    with transaction.atomic():
        case = access_case(request.user, case_id, for_update=True)  # the audit stream needs the row lock
        message = Message.objects.filter(case=case, pk=message_id).first()
        if message is None:
            raise Http404
        if not form.is_valid():
            context = {"case": case, "message": message, "error": form.errors["reason"][0]}
            return _respond(request, "privacy/_reveal_again.html", context, status=409)
        reason, ip = form.cleaned_data["reason"], request.META.get("REMOTE_ADDR")
        entry = privacy_actions.reveal_pii(case, actor=Actor(user=request.user), reason=reason, message=message, ip=ip)
    context = {"case": case, "message": message, "text": shown_message(request.user, message, reveal=entry)}
    return _respond(request, "privacy/_revealed_body.html", context)


def _respond(request: StaffRequest, fragment: str, context: Mapping[str, object], *, status: int = 200) -> HttpResponse:
    """htmx swaps the fragment in; without JavaScript the same fragment comes inside a whole page."""
    if is_htmx(request):
        return render(request, fragment, context, status=status)
    return render(request, "privacy/revealed.html", {**context, "fragment": fragment}, status=status)


@staff_required
@require_GET
def access_report(request: StaffRequest) -> HttpResponse:
    """The monthly review of the access log (R-SEC-5), for the privacy officer."""
    if not reviews_access_report(request.user):
        raise PermissionDenied
    month = report_month(request.GET.get("month", ""))
    if month is None:
        return HttpResponseBadRequest(_("Give the month as YYYY-MM."))
    return render(request, "privacy/access_report.html", access_log.report_context(access_log.monthly_report(month)))
