"""The customer page and the forms it posts: a note, a merge, the undo of a merge."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from soridam.accounts.staff import StaffRequest, staff_required
from soridam.cases.access import access_customer
from soridam.privacy import access_log
from soridam.privacy.models import AccessAction
from soridam.workspace import customer_page
from soridam.workspace.customer_page import MergeForm, NoteForm

TEMPLATE = "workspace/customer.html"


@staff_required
@require_GET
def customer_detail(request: StaffRequest, customer_id: int) -> HttpResponse:
    customer = access_customer(request.user, customer_id)
    access_log.record(request, AccessAction.VIEW, customer_id=customer.pk)
    return render(request, TEMPLATE, customer_page.customer_context(request.user, customer))


@staff_required
@require_POST
def customer_note(request: StaffRequest, customer_id: int) -> HttpResponse:
    customer = access_customer(request.user, customer_id)
    form = NoteForm(request.POST)
    if customer_page.add_note(request.user, customer, form):
        access_log.record(request, AccessAction.EDIT, customer_id=customer.pk, detail="note")
        return redirect("workspace:customer", customer.pk)
    context = customer_page.customer_context(request.user, customer, note_form=form)
    return render(request, TEMPLATE, context, status=400)


@staff_required
@require_POST
def customer_merge(request: StaffRequest, customer_id: int) -> HttpResponse:
    customer = access_customer(request.user, customer_id)
    form = MergeForm(request.POST)
    if customer_page.merge_into(request.user, customer, form) is not None:
        access_log.record(request, AccessAction.EDIT, customer_id=customer.pk, detail="merge")
        messages.success(request, _("Customers merged. You can undo the merge below."))
        return redirect("workspace:customer", customer.pk)
    context = customer_page.customer_context(request.user, customer, merge_form=form)
    return render(request, TEMPLATE, context, status=409)


@staff_required
@require_POST
def merge_undo(request: StaffRequest, merge_id: int) -> HttpResponse:
    target_id, refused = customer_page.undo(request.user, merge_id)
    if refused:
        messages.error(request, refused)
    else:
        messages.success(request, _("The merge is undone: every case, identity and order is back."))
    return redirect("workspace:customer", target_id)
