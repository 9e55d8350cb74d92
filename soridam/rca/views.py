"""Problem records, spikes and the cause report in the workspace: thin views over ``rca.actions``."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soridam.accounts.staff import StaffRequest, staff_required
from soridam.audit.actors import Actor
from soridam.cases.access import access_case, access_case_by_reference
from soridam.cases.errors import CaseError
from soridam.rca import actions, pages
from soridam.rca.access import access_problem, access_spike, problems_visible_to, spikes_visible_to
from soridam.rca.forms import LinkForm, MoveForm, ProblemForm
from soridam.rca.models import MatchState, Problem, ProblemMatch, ProblemStatus


@staff_required
@require_GET
def problem_list(request: StaffRequest) -> HttpResponse:
    """Problems the user may see, unsettled first; ``?status=`` narrows to one status."""
    problems = problems_visible_to(request.user).select_related("owner").order_by("-updated_at", "-id")
    status = request.GET.get("status", "")
    if status in ProblemStatus.values:
        problems = problems.filter(status=status)
    context = {"problems": problems[:200], "status": status, "statuses": ProblemStatus.choices}
    return render(request, "rca/problem_list.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def problem_new(request: StaffRequest) -> HttpResponse:
    """A new problem; ``?case=<id>`` links that case (one the user may see) when it is recorded."""
    case = access_case(request.user, int(request.GET["case"])) if request.GET.get("case", "").isdigit() else None
    initial = {"title": case.subject, "match_terms": pages.terms_of(case.subject)} if case else {}
    form = ProblemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            problem = actions.create_problem(
                form.details(), actor=Actor(user=request.user), cases=[case] if case else []
            )
        except CaseError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("rca:problem", problem.pk)
    return render(request, "rca/problem_new.html", {"form": form, "case": case}, status=400 if form.errors else 200)


@staff_required
@require_GET
def case_problems(request: StaffRequest, case_id: int) -> HttpResponse:
    """The case page's problem section (loaded by htmx): problems linked to the case and those suggested."""
    case = access_case(request.user, case_id)
    return render(
        request, "rca/_case_problems_list.html", {"case": case, "section": pages.case_problems(case, request.user)}
    )


@staff_required
@require_GET
def problem_detail(request: StaffRequest, problem_id: int) -> HttpResponse:
    problem = access_problem(request.user, problem_id)
    return render(request, "rca/problem.html", pages.problem_context(request.user, problem))


@staff_required
@require_POST
def problem_edit(request: StaffRequest, problem_id: int) -> HttpResponse:
    form = ProblemForm(request.POST)
    return _change(
        request, problem_id, form, lambda problem, actor: actions.edit_problem(problem, form.details(), actor=actor)
    )


@staff_required
@require_POST
def problem_move(request: StaffRequest, problem_id: int) -> HttpResponse:
    form = MoveForm(request.POST)

    def move(problem: Problem, actor: Actor) -> object:
        return actions.move_problem(problem, form.cleaned_data["to"], actor=actor, note=form.cleaned_data["note"])

    return _change(request, problem_id, form, move)


@staff_required
@require_POST
def problem_link(request: StaffRequest, problem_id: int) -> HttpResponse:
    """Link a case by its reference (the problem page, a suggestion, the case page: ``back`` returns there)."""
    form = LinkForm(request.POST)

    def link(problem: Problem, actor: Actor) -> object:
        case = access_case_by_reference(request.user, form.cleaned_data["reference"], for_update=True)
        return actions.link_case(problem, case, actor=actor)

    return _change(request, problem_id, form, link, back=request.POST.get("back", ""))


@staff_required
@require_POST
def problem_unlink(request: StaffRequest, problem_id: int, case_id: int) -> HttpResponse:
    def unlink(problem: Problem, actor: Actor) -> object:
        return actions.unlink_case(problem, access_case(request.user, case_id, for_update=True), actor=actor)

    return _change(request, problem_id, None, unlink)


@staff_required
@require_POST
def match_dismiss(request: StaffRequest, problem_id: int, match_id: int) -> HttpResponse:
    def dismiss(problem: Problem, actor: Actor) -> object:
        match = ProblemMatch.objects.get(pk=match_id, problem=problem, state=MatchState.SUGGESTED)
        actions.dismiss_match(match, actor=actor)
        return match

    return _change(request, problem_id, None, dismiss)


@staff_required
@require_POST
def problem_announce(request: StaffRequest, problem_id: int) -> HttpResponse:
    """A lead tells every linked customer, once each, that the fix shipped."""

    def announce(problem: Problem, actor: Actor) -> object:
        told = actions.announce_fix(problem, actor=actor)
        messages.success(request, _("%(count)d customers were told of the fix.") % {"count": told})
        return told

    return _change(request, problem_id, None, announce)


def _change(
    request: StaffRequest,
    problem_id: int,
    form: LinkForm | MoveForm | ProblemForm | None,
    change: Callable[[Problem, Actor], object],
    back: str = "",
) -> HttpResponse:
    """Run ``change`` under the problem's row lock; a refusal comes back on the problem page as a message."""
    if form is not None and not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return redirect("rca:problem", problem_id)
    try:
        with transaction.atomic():
            change(access_problem(request.user, problem_id, for_update=True), Actor(user=request.user))
    except (CaseError, ProblemMatch.DoesNotExist) as error:
        messages.error(request, str(getattr(error, "message", "")) or _("That change could not be made."))
    if back.isdigit():
        return redirect("workspace:case", int(back))
    return redirect("rca:problem", problem_id)


@staff_required
@require_GET
def spike_list(request: StaffRequest) -> HttpResponse:
    spikes = spikes_visible_to(request.user).select_related("problem").order_by("-day", "-count")[:100]
    return render(request, "rca/spike_list.html", {"spikes": spikes})


@staff_required
@require_http_methods(["GET", "POST"])
def spike_detail(request: StaffRequest, spike_id: int) -> HttpResponse:
    """GET shows the spike with sample cases and its proposed problem; POST records that problem in one click."""
    spike = access_spike(request.user, spike_id)
    if request.method == "POST" and spike.problem_id is None:
        problem = pages.problem_from_spike(spike, request.user)
        return redirect("rca:problem", problem.pk)
    return render(request, "rca/spike.html", pages.spike_context(request.user, spike))


@staff_required
@require_GET
def cause_report(request: StaffRequest) -> HttpResponse:
    """Cause codes of the cases the user may see, by category, over the last ``?days=`` (90)."""
    days = int(request.GET["days"]) if request.GET.get("days", "").isdigit() else 90
    return render(request, "rca/causes.html", pages.cause_report(request.user, min(max(days, 1), 3660)))
