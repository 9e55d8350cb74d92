"""The privacy officer's pages: data-subject requests under /workspace/privacy/requests/, and the guardian's
consent recorded from a customer's page (R-SEC-8, R-SEC-12). Thin: ``dsr`` does the work."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soridam.accounts.staff import StaffRequest, staff_required
from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.cases.access import access_customer
from soridam.cases.errors import InvalidChange
from soridam.privacy import dsr, guardian
from soridam.privacy.dsr_forms import CorrectionForm, GuardianConsentForm, OpenRequestForm
from soridam.privacy.models_dsr import RequestState, SubjectRequest


def _officer(request: StaffRequest) -> Actor:
    if not dsr.is_privacy_officer(request.user):
        raise PermissionDenied
    return Actor(user=request.user)


@staff_required
@require_http_methods(["GET", "POST"])
def request_list(request: StaffRequest) -> HttpResponse:
    actor = _officer(request)
    form = OpenRequestForm(request.POST or None)
    if form.is_valid():
        customer = access_customer(request.user, form.cleaned_data["customer"])
        with transaction.atomic():
            opened = dsr.open_request(
                customer, form.cleaned_data["kind"], actor=actor, via="staff", details=form.cleaned_data["details"]
            )
        return redirect("privacy:request", opened.pk)
    requests = SubjectRequest.objects.exclude(state=RequestState.AWAITING_CODE).select_related("customer")[:200]
    context = {"requests": requests, "form": form}
    return render(request, "privacy/requests.html", context, status=400 if form.is_bound else 200)


@staff_required
@require_GET
def request_detail(request: StaffRequest, request_id: int) -> HttpResponse:
    _officer(request)
    subject_request = get_object_or_404(SubjectRequest.objects.select_related("customer"), pk=request_id)
    context = {"item": subject_request, "correction": CorrectionForm(initial=_current(subject_request))}
    return render(request, "privacy/request.html", context)


def _current(item: SubjectRequest) -> dict[str, str]:
    return {"name": item.customer.name, "email": item.customer.email, "phone": item.customer.phone}


@staff_required
@require_POST
def request_carry_out(request: StaffRequest, request_id: int) -> HttpResponse:
    """Erasure and suspension are carried out; an access or correction request is marked done."""
    actor = _officer(request)
    with transaction.atomic():
        item = get_object_or_404(SubjectRequest.objects.select_for_update(), pk=request_id)
        try:
            dsr.carry_out(item, actor=actor)
        except InvalidChange as refused:
            messages.error(request, refused.message)
    return redirect("privacy:request", request_id)


@staff_required
@require_POST
def request_correct(request: StaffRequest, request_id: int) -> HttpResponse:
    actor = _officer(request)
    form = CorrectionForm(request.POST)
    with transaction.atomic():
        item = get_object_or_404(SubjectRequest.objects.select_for_update(), pk=request_id)
        if not form.is_valid():
            return render(request, "privacy/request.html", {"item": item, "correction": form}, status=400)
        dsr.correct(item, actor=actor, **form.cleaned_data)
    messages.success(request, _("The customer's details are corrected."))
    return redirect("privacy:request", request_id)


@staff_required
@require_GET
def request_export(request: StaffRequest, request_id: int) -> HttpResponse:
    """The person's data as a zip (JSON and a readable HTML copy); the download is audited."""
    actor = _officer(request)
    with transaction.atomic():
        item = get_object_or_404(SubjectRequest.objects.select_for_update().select_related("customer"), pk=request_id)
        bundle = dsr.export_zip(item.customer)
        audit.record(actor, "privacy.request_exported", target=item, data={"bytes": len(bundle)})
    response = HttpResponse(bundle, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="personal-data-{item.customer_id}.zip"'
    return response


@staff_required
@require_POST
def guardian_consent(request: StaffRequest, customer_id: int) -> HttpResponse:
    """Mark the customer as under 14, or record their guardian's consent (who, when, how)."""
    customer = access_customer(request.user, customer_id)
    form = GuardianConsentForm(request.POST)
    if request.POST.get("under_14") == "1":
        guardian.mark_under_14(customer, actor=Actor(user=request.user))
        messages.success(request, _("Marked as under 14: only what a reply needs is sent until a guardian consents."))
    elif form.is_valid():
        guardian.record_consent(customer, actor=Actor(user=request.user), how=form.cleaned_data["how"])
        messages.success(request, _("The guardian's consent is recorded."))
    else:
        messages.error(request, _("Say how the guardian consented."))
    return redirect("workspace:customer", customer.pk)
