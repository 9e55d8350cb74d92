"""Who may see an investigation task: the case's team (through the case scope) and the owner team.

The department asked to help sees the task, its thread and the case's reference and subject, without
being given the whole case: its members may not belong to the case's team.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from soridam.accounts.access import team_ids_of
from soridam.accounts.models import User
from soridam.cases.access import cases_visible_to
from soridam.investigations.models import InvestigationTask


def tasks_visible_to(user: User) -> QuerySet[InvestigationTask]:
    if not user.is_support_staff:
        return InvestigationTask.objects.none()
    if user.is_admin_role:
        return InvestigationTask.objects.all()
    mine = Q(owner_team_id__in=team_ids_of(user)) | Q(case__in=cases_visible_to(user))
    return InvestigationTask.objects.filter(mine)


def access_task(user: User, task_id: int, *, for_update: bool = False) -> InvestigationTask:
    """The task, if the user may see it (404 like a missing one otherwise)."""
    tasks = tasks_visible_to(user).select_related("case", "owner_team", "assignee")
    if for_update:
        tasks = tasks.select_for_update(of=("self",))
    try:
        return tasks.get(pk=task_id)
    except InvestigationTask.DoesNotExist:
        raise Http404 from None
