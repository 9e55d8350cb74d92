"""Saving the inbox's current filters as a named view, renaming one and deleting one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from soridam.accounts.staff import StaffRequest, staff_required
from soridam.cases.models import Category
from soridam.saved_views.access import access_saved_view_for_edit
from soridam.saved_views.models import FILTER_FIELDS, SavedView
from soridam.workspace.inbox import InvalidInboxQuery, parse_inbox_query
from soridam.workspace.saved_view_forms import SavedViewForm


def _inbox_of(view: SavedView) -> HttpResponse:
    return redirect(reverse("workspace:inbox") + f"?saved={view.pk}")


def _refuse(request: StaffRequest, form: SavedViewForm, error: str = "", target: str = "") -> HttpResponse:
    problems = [error] if error else [str(message) for field_errors in form.errors.values() for message in field_errors]
    messages.error(request, _("The view was not saved: %(error)s") % {"error": " ".join(problems)})
    return redirect(target or reverse("workspace:inbox"))


@staff_required
@require_POST
def saved_view_create(request: StaffRequest) -> HttpResponse:
    """The filters come as the inbox's own parameters and are checked by its parser before anything is stored."""
    form = SavedViewForm(request.POST, user=request.user)
    try:
        filters = {name: request.POST.get(name, "") for name in FILTER_FIELDS}  # never a page or another view
        query = parse_inbox_query(filters, list(Category.objects.values_list("slug", flat=True)))
    except InvalidInboxQuery as invalid:
        return _refuse(request, form, invalid.message)
    if not form.is_valid():
        return _refuse(request, form)
    view = form.save(commit=False)
    view.owner = request.user
    for name, value in query.filter_params().items():
        setattr(view, name, value)
    view.save()
    messages.success(request, _("View saved."))
    return _inbox_of(view)


@staff_required
@require_POST
def saved_view_rename(request: StaffRequest, view_id: int) -> HttpResponse:
    view = access_saved_view_for_edit(request.user, view_id)
    form = SavedViewForm(request.POST, user=request.user, instance=view)
    if not form.is_valid():
        return _refuse(request, form, target=_inbox_of(view)["Location"])
    form.save()
    messages.success(request, _("View saved."))
    return _inbox_of(view)


@staff_required
@require_POST
def saved_view_delete(request: StaffRequest, view_id: int) -> HttpResponse:
    access_saved_view_for_edit(request.user, view_id).delete()
    messages.success(request, _("View deleted."))
    return redirect("workspace:inbox")
