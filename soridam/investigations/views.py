"""The department's task list, one task with its thread, and the case page's task section."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soridam.accounts.access import team_ids_of
from soridam.accounts.staff import StaffRequest, staff_required
from soridam.audit.actors import Actor
from soridam.cases import actions as case_actions
from soridam.cases.access import access_case
from soridam.cases.errors import CaseError
from soridam.investigations import actions
from soridam.investigations.access import access_task, tasks_visible_to
from soridam.investigations.forms import CloseForm, NoteForm, OverrideForm, TaskForm
from soridam.investigations.models import TaskStatus


@staff_required
@require_GET
def team_tasks(request: StaffRequest) -> HttpResponse:
    """Tasks asked of the user's teams (every team for admins); open ones unless ``?status=all``."""
    tasks = tasks_visible_to(request.user).select_related("case", "owner_team", "assignee")
    if not request.user.is_admin_role:
        tasks = tasks.filter(owner_team_id__in=team_ids_of(request.user))
    if request.GET.get("status") != "all":
        tasks = tasks.filter(status=TaskStatus.OPEN)
    listed = tasks.order_by("due_at", "id")[:200]
    return render(request, "investigations/team_tasks.html", {"tasks": listed, "all": request.GET.get("status")})


@staff_required
@require_http_methods(["GET", "POST"])
def task_detail(request: StaffRequest, task_id: int) -> HttpResponse:
    """GET shows the task and its thread; POST adds a note."""
    task = access_task(request.user, task_id)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.add_note(task, form.cleaned_data["body"], actor=request.user)
        return redirect("investigations:task", task.pk)
    context = {"task": task, "notes": task.notes.select_related("author"), "form": form, "close": CloseForm()}
    return render(request, "investigations/task.html", context, status=400 if form.errors else 200)


@staff_required
@require_POST
def close_task(request: StaffRequest, task_id: int) -> HttpResponse:
    task = access_task(request.user, task_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        actions.close_task(task, form.cleaned_data["status"], actor=request.user, note=form.cleaned_data["note"])
    return redirect("investigations:task", task.pk)


@staff_required
@require_http_methods(["GET", "POST"])
def open_task(request: StaffRequest, case_id: int) -> HttpResponse:
    """GET shows the form to ask another team; POST opens the task and goes back to the case."""
    form = TaskForm(request.POST or None, prefix="task")
    if not form.is_valid():
        return _case_with_errors(request, case_id, task_form=form)
    try:
        with transaction.atomic():
            case = access_case(request.user, case_id, for_update=True)
            actions.open_task(case, form.new_task(), actor=request.user)
    except CaseError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error))
        return _case_with_errors(request, case_id, task_form=form)
    return redirect("workspace:case", case_id)


@staff_required
@require_POST
def override_tasks(request: StaffRequest, case_id: int) -> HttpResponse:
    """A lead moves the case on past open blocking tasks, with a reason."""
    form = OverrideForm(request.POST, prefix="override")
    try:
        if not form.is_valid():
            raise CaseError(str(form.errors.as_text()))
        with transaction.atomic():
            case = access_case(request.user, case_id, for_update=True)
            reason, to = form.cleaned_data["reason"], form.cleaned_data["to"]
            actor = Actor(user=request.user)
            case_actions.change_stage(case, to, actor=actor, reason=reason, override_open_tasks=True)
    except CaseError as error:
        form.add_error(None, str(error))
        return _case_with_errors(request, case_id, override_form=form)
    return redirect("workspace:case", case_id)


def _case_with_errors(request: StaffRequest, case_id: int, **forms: object) -> HttpResponse:
    case = access_case(request.user, case_id)
    context = {"case": case, **forms}
    return render(request, "investigations/case_tasks.html", context, status=409 if request.method == "POST" else 200)
