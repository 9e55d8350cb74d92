"""The customer's own requests about their personal data, from the case's tracking page (R-SEC-8).

The tracking link alone is not proof enough to export or erase a person's data (links get forwarded), so
the request waits for a one-time code sent to the contact on record (``privacy.dsr``).
"""

from __future__ import annotations

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from soridam.cases.access import access_case_by_token
from soridam.privacy import dsr
from soridam.privacy.dsr_forms import CodeForm, TrackingRequestForm
from soridam.privacy.models_dsr import RequestState, SubjectRequest
from soridam.web.guards import friendly_not_found, limit_posts, limit_requests, private_link_page

LINK_INVALID = "web/link_invalid.html"


@private_link_page
@limit_requests("tracking")
@friendly_not_found(LINK_INVALID)
@require_http_methods(["GET", "POST"])
def privacy_request(request: HttpRequest, token: str) -> HttpResponse:
    case = access_case_by_token(token)
    form = TrackingRequestForm(request.POST or None)
    if form.is_valid():
        with transaction.atomic():
            case = access_case_by_token(token, for_update=True)
            made = dsr.request_from_tracking_page(case, form.cleaned_data["kind"], form.cleaned_data["details"])
        if made is not None:
            return redirect("web:privacy_confirm", token, made.pk)
        form.add_error(None, dsr.NO_CONTACT_MESSAGE)
    context = {"case": case, "form": form, "token": token}
    return render(request, "web/privacy_request.html", context, status=400 if form.is_bound else 200)


@private_link_page
@limit_posts("privacy_code")
@limit_requests("tracking")
@friendly_not_found(LINK_INVALID)
@require_http_methods(["GET", "POST"])
def privacy_confirm(request: HttpRequest, token: str, request_id: int) -> HttpResponse:
    case = access_case_by_token(token)
    form = CodeForm(request.POST or None)
    confirmed = None
    if form.is_valid():
        with transaction.atomic():
            item = SubjectRequest.objects.select_for_update().filter(pk=request_id, case=case).first()
            if item is None:
                raise Http404
            confirmed = item if dsr.confirm_code(item, form.cleaned_data["code"]) else None
        if confirmed is None:
            form.add_error("code", dsr.WRONG_CODE_MESSAGE)
    elif not SubjectRequest.objects.filter(pk=request_id, case=case, state=RequestState.AWAITING_CODE).exists():
        raise Http404
    context = {"case": case, "form": form, "token": token, "confirmed": confirmed}
    return render(request, "web/privacy_confirm.html", context, status=400 if form.is_bound and not confirmed else 200)
