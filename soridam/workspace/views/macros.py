"""The macros page: the agent's own and the shared macros, and the form to write or change one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from soridam.accounts.staff import StaffRequest, staff_required
from soridam.macros.access import access_macro_for_edit, macros_editable_by, macros_usable_by
from soridam.macros.models import Macro
from soridam.macros.text import VARIABLES
from soridam.workspace.macro_forms import MacroForm


def _save(request: StaffRequest, form: MacroForm) -> HttpResponse | None:
    if request.method != "POST" or not form.is_valid():
        return None
    macro = form.save(commit=False)
    macro.updated_at = timezone.now()
    macro.save()
    messages.success(request, _("Macro saved."))
    return redirect("workspace:macros")


def _page(request: StaffRequest, form: MacroForm, macro: Macro | None = None) -> HttpResponse:
    context = {
        "form": form,
        "macro": macro,
        "macros": macros_usable_by(request.user).select_related("owner"),
        "editable": set(macros_editable_by(request.user).values_list("pk", flat=True)),
        "variables": [f"{{{{{name}}}}}" for name in VARIABLES],
    }
    return render(request, "workspace/macros.html", context, status=400 if form.errors else 200)


@staff_required
@require_http_methods(["GET", "POST"])
def macro_list(request: StaffRequest) -> HttpResponse:
    form = MacroForm(request.POST or None, user=request.user)
    return _save(request, form) or _page(request, form)


@staff_required
@require_http_methods(["GET", "POST"])
def macro_edit(request: StaffRequest, macro_id: int) -> HttpResponse:
    macro = access_macro_for_edit(request.user, macro_id)
    form = MacroForm(request.POST or None, user=request.user, instance=macro)
    return _save(request, form) or _page(request, form, macro)


@staff_required
@require_POST
def macro_delete(request: StaffRequest, macro_id: int) -> HttpResponse:
    access_macro_for_edit(request.user, macro_id).delete()
    messages.success(request, _("Macro deleted."))
    return redirect("workspace:macros")
