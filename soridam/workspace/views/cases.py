"""The case page, its attachments, and the small views its forms post to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from soridam.accounts.staff import StaffRequest, staff_required
from soridam.cases.access import access_attachment, access_case, cases_visible_to
from soridam.cases.downloads import download_response
from soridam.lib.htmx import is_htmx
from soridam.privacy import access_log
from soridam.privacy.models import AccessAction
from soridam.workspace.case_actions import ACTIONS, run_case_action
from soridam.workspace.case_page import HEADER_RELATIONS, case_context, with_copied_relations
from soridam.workspace.customer_panel import customer_panel
from soridam.workspace.forms import CaseForm

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _render_case(
    request: StaffRequest,
    case_id: int,
    *,
    failed: tuple[str, CaseForm] | None = None,
    notice: StrOrPromise = "",
    held: list[str] | None = None,
    status: int = 200,
    viewed: bool = False,
) -> HttpResponse:
    case = with_copied_relations(access_case(request.user, case_id, related=HEADER_RELATIONS))
    if viewed:  # R-SEC-5: the one INSERT this page adds
        access_log.record(request, AccessAction.VIEW, case_id=case.pk, customer_id=case.customer_id)
    context = case_context(request.user, case, failed=failed, notice=notice, held=held)
    template = "workspace/_case_panel.html" if is_htmx(request) else "workspace/case.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@staff_required
@require_GET
def case_detail(request: StaffRequest, case_id: int) -> HttpResponse:
    return _render_case(request, case_id, viewed=True)


@staff_required
@require_GET
def case_customer(request: StaffRequest, case_id: int) -> HttpResponse:
    """The case page's customer 360 panel, loaded by htmx after the page: its reads are half of what the
    page's data cost (bench/case_page.py). The same access check as the page: a foreign case is a 404."""
    case = access_case(request.user, case_id, related=("customer",))
    context = {"case": case, "customer_panel": customer_panel(request.user, case)}
    return render(request, "workspace/_customer_panel.html", context)


@staff_required
@require_GET
def attachment(request: StaffRequest, attachment_id: int) -> HttpResponseBase:
    found = access_attachment(request.user, attachment_id)
    return download_response(found.file.open("rb"), filename=found.filename, content_type=found.content_type)


def _after_success(request: StaffRequest, case_id: int, done: StrOrPromise) -> HttpResponse:
    if not cases_visible_to(request.user).filter(pk=case_id).exists():
        # A new category can move a case with no team yet to a team this agent is not in.
        messages.info(request, _("The case moved to a team you are not in."))
        if is_htmx(request):
            return HttpResponse(headers={"HX-Redirect": reverse("workspace:inbox")})
        return redirect("workspace:inbox")
    if is_htmx(request):
        return _render_case(request, case_id, notice=done)
    messages.success(request, done)
    return redirect("workspace:case", case_id)


def _perform(request: StaffRequest, case_id: int, key: str) -> HttpResponse:
    action = ACTIONS[key]
    outcome = run_case_action(request.user, case_id, action, request.POST, request.FILES)
    if outcome.ok:
        return _after_success(request, case_id, action.done_for(outcome.form))
    return _render_case(request, case_id, failed=(key, outcome.form), held=outcome.held, status=outcome.status)


@staff_required
@require_POST
def case_reply(request: StaffRequest, case_id: int) -> HttpResponse:
    return _perform(request, case_id, "reply")


@staff_required
@require_POST
def case_template(request: StaffRequest, case_id: int) -> HttpResponse:
    return _perform(request, case_id, "template")


@staff_required
@require_POST
def case_team(request: StaffRequest, case_id: int) -> HttpResponse:
    return _perform(request, case_id, "team")


@staff_required
@require_POST
def case_assign(request: StaffRequest, case_id: int) -> HttpResponse:
    return _perform(request, case_id, "assign")


@staff_required
@require_POST
def case_stage(request: StaffRequest, case_id: int) -> HttpResponse:
    return _perform(request, case_id, "stage")


@staff_required
@require_POST
def case_status(request: StaffRequest, case_id: int) -> HttpResponse:
    return _perform(request, case_id, "status")


@staff_required
@require_POST
def case_priority(request: StaffRequest, case_id: int) -> HttpResponse:
    return _perform(request, case_id, "priority")


@staff_required
@require_POST
def case_category(request: StaffRequest, case_id: int) -> HttpResponse:
    return _perform(request, case_id, "category")


@staff_required
@require_POST
def case_tag_add(request: StaffRequest, case_id: int) -> HttpResponse:
    return _perform(request, case_id, "tag_add")


@staff_required
@require_POST
def case_tag_remove(request: StaffRequest, case_id: int) -> HttpResponse:
    return _perform(request, case_id, "tag_remove")


@staff_required
@require_POST
def case_order_link(request: StaffRequest, case_id: int) -> HttpResponse:
    return _perform(request, case_id, "order_link")


@staff_required
@require_POST
def case_order_unlink(request: StaffRequest, case_id: int) -> HttpResponse:
    return _perform(request, case_id, "order_unlink")


@staff_required
@require_POST
def case_call(request: StaffRequest, case_id: int) -> HttpResponse:
    return _perform(request, case_id, "call")


@staff_required
@require_POST
def case_send_again(request: StaffRequest, case_id: int) -> HttpResponse:
    return _perform(request, case_id, "send_again")
