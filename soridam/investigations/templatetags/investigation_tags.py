from __future__ import annotations

from typing import Any

from django import template

from soridam.accounts.models import Role, User
from soridam.cases.models import Case
from soridam.cases.stages import Stage
from soridam.investigations.forms import OverrideForm
from soridam.investigations.models import InvestigationTask

register = template.Library()


@register.simple_tag
def case_tasks(case: Case, user: User, has_tasks: bool = True) -> dict[str, Any]:
    """The case page's task section: its tasks (open first) and a lead's override. One query, none when the
    case's timeline shows no task was ever opened (``has_tasks``: every task is opened through
    ``cases.actions.record_task``). The form to ask another team is a page of its own (its choices would cost
    the case page two more)."""
    if not has_tasks:
        return {"tasks": [], "blocking": 0, "override": None}
    tasks = list(
        InvestigationTask.objects.filter(case=case).select_related("owner_team", "assignee").order_by("closed_at", "id")
    )
    blocking = [task for task in tasks if task.is_open and task.blocking]
    may_override = user.effective_role in (Role.LEAD, Role.ADMIN) and case.stage == Stage.INVESTIGATION
    return {
        "tasks": tasks,
        "blocking": len(blocking),
        "override": OverrideForm(prefix="override") if blocking and may_override else None,
    }
