"""Revealing a masked message: permission-checked, audited, htmx-friendly."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from soridam.accounts.staff import StaffRequest, staff_required
from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.cases.access import access_case
from soridam.cases.models import Message
from soridam.lib.htmx import is_htmx
from soridam.triage import pii
from soridam.triage.access import may_reveal_pii


@staff_required
@require_POST
def reveal(request: StaffRequest, case_id: int, message_id: int) -> HttpResponse:
    if not may_reveal_pii(request.user):
        raise PermissionDenied
    with transaction.atomic():
        case = access_case(request.user, case_id, for_update=True)  # the audit stream needs the row lock
        message = Message.objects.filter(case=case, pk=message_id).first()
        if message is None:
            raise Http404
        data = {"message": message.pk, "types": pii.types_in(message.body), "ip": request.META.get("REMOTE_ADDR")}
        audit.record(Actor(user=request.user), "case.pii_revealed", target=case, data=data)
    if is_htmx(request):
        return render(request, "triage/_revealed_body.html", {"message": message})
    return render(request, "triage/revealed.html", {"case": case, "message": message})
