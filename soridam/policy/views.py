"""The case page's remedy section (loaded by htmx after the page), the approvals queue and the policy report."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soridam.accounts.models import Role
from soridam.accounts.staff import StaffRequest, staff_required
from soridam.cases import remedy_actions
from soridam.cases.access import access_case
from soridam.cases.errors import CaseError
from soridam.policy import execution, facts, limits, report, rules, statutory
from soridam.policy.access import access_remedy, lock_remedy, remedies_visible_to
from soridam.policy.forms import DecisionForm, RemedyForm, RuleCommentForm
from soridam.policy.models import RemedyState

APPROVERS = (Role.LEAD, Role.ADMIN)


@staff_required
@require_http_methods(["GET", "POST"])
def case_remedies(request: StaffRequest, case_id: int) -> HttpResponse:
    """GET: what policy allows on the case, its remedies and the offer form; POST offers a remedy."""
    form = RemedyForm(request.POST or None, prefix="remedy")
    offered = request.method == "POST" and _offer(request, case_id, form)
    if offered and not request.headers.get("HX-Request"):
        return redirect("workspace:case", case_id)
    status = 409 if request.method == "POST" and not offered else 200
    return render(request, "policy/_case_remedies.html", _section(request, case_id, form), status=status)


def _offer(request: StaffRequest, case_id: int, form: RemedyForm) -> bool:
    if not form.is_valid():
        return False
    try:
        with transaction.atomic():
            case = access_case(request.user, case_id, for_update=True)
            remedy = remedy_actions.request_remedy(case, form.request(), actor=request.user)
    except CaseError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return False
    execution.execute_if_approved(remedy)
    return True


def _section(request: StaffRequest, case_id: int, form: RemedyForm) -> dict[str, Any]:
    case = access_case(request.user, case_id, related=("customer", "category"))
    order = facts.case_order(case)
    evaluation, rule_set = rules.evaluate_case(case, order)
    return {
        "case": case,
        "order": order,
        "evaluation": evaluation,
        "rule_set": rule_set,
        "remedies": case.remedies.select_related("requested_by", "decided_by").order_by("-requested_at", "-id"),
        "form": form,
        "comment_form": RuleCommentForm(prefix="rule"),
        "limit_refund": limits.limit_for(request.user.effective_role, "full_refund"),
        "limit_voucher": limits.limit_for(request.user.effective_role, "voucher"),
        "statutory": statutory.reference(),
    }


@staff_required
@require_POST
def retry_remedy(request: StaffRequest, remedy_id: int) -> HttpResponse:
    remedy = access_remedy(request.user, remedy_id)
    execution.retry(remedy)
    return redirect("workspace:case", remedy.case_id)


@staff_required
@require_POST
def comment_rule(request: StaffRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id)
    form = RuleCommentForm(request.POST, prefix="rule")
    if form.is_valid():
        rules.add_comment(form.cleaned_data["rule_code"], form.cleaned_data["body"], case=case, author=request.user)
    return redirect("workspace:case", case.pk)


@staff_required
@require_GET
def approvals(request: StaffRequest) -> HttpResponse:
    """Remedies waiting for approval that this lead or admin may see, oldest deadline first."""
    if request.user.effective_role not in APPROVERS:
        raise PermissionDenied
    waiting = remedies_visible_to(request.user).filter(state=RemedyState.PENDING_APPROVAL)
    waiting = waiting.select_related("case", "order", "requested_by").order_by("approval_due_at", "pk")[:200]
    return render(request, "policy/approvals.html", {"remedies": waiting, "form": DecisionForm()})


@staff_required
@require_POST
def decide_remedy(request: StaffRequest, remedy_id: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return redirect("policy:approvals")
    with transaction.atomic():
        case, remedy = lock_remedy(request.user, remedy_id)
        approve, comment = form.cleaned_data["approve"], form.cleaned_data["comment"]
        remedy_actions.decide_remedy(case, remedy, approve=approve, comment=comment, actor=request.user)
    execution.execute_if_approved(remedy)
    return redirect("policy:approvals")


@staff_required
@require_GET
def policy_report(request: StaffRequest) -> HttpResponse:
    """Outcomes per rule and remedy, exceptions by agent and reason, and rule-change proposals."""
    if request.user.effective_role not in APPROVERS:
        raise PermissionDenied
    context = {
        "outcomes": report.outcomes(),
        "exceptions": report.exceptions_by_agent(),
        "proposals": report.proposals(),
        "comments": report.recent_comments(),
    }
    return render(request, "policy/report.html", context)
