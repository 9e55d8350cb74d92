"""Opening, discussing and closing investigation tasks. Each change also lands on the case's timeline
and audit trail through ``cases.actions.record_task``, in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from soridam.accounts.models import Team, User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.errors import InvalidChange
from soridam.cases.models import Case, EventKind
from soridam.investigations.models import InvestigationTask, TaskNote, TaskStatus
from soridam.sla.business_time import add_business_time
from soridam.sla.schedules import calendar_for_team, schedule_of


@dataclass(frozen=True)
class NewTask:
    title: str
    owner_team: Team
    assignee: User | None = None
    due_in_hours: int | None = None  # business hours of the owner team
    blocking: bool = True
    note: str = ""


def due_after(team: Team, hours: int, start: datetime | None = None) -> datetime:
    """``hours`` of the owner team's business time from ``start``: a Friday-evening task for the warehouse
    falls due on Monday, not at midnight."""
    schedule = schedule_of(calendar_for_team(team.pk))
    return add_business_time(schedule, start or timezone.now(), timedelta(hours=hours))


def open_task(case: Case, new: NewTask, *, actor: User) -> InvestigationTask:
    """The caller holds the case's row lock."""
    if not new.title.strip():
        raise InvalidChange(_("Say what the task is."), field="title")
    if new.assignee is not None and not new.assignee.teams.filter(pk=new.owner_team.pk).exists():
        raise InvalidChange(_("The assignee is not a member of that team."), field="assignee")
    task = InvestigationTask.objects.create(
        case=case,
        title=new.title.strip()[:200],
        owner_team=new.owner_team,
        assignee=new.assignee,
        due_at=due_after(new.owner_team, new.due_in_hours) if new.due_in_hours else None,
        blocking=new.blocking,
        created_by=actor,
    )
    if new.note.strip():
        TaskNote.objects.create(task=task, author=actor, body=new.note.strip())
    actions.record_task(case, task, kind=EventKind.TASK_OPENED, actor=Actor(user=actor))
    return task


def add_note(task: InvestigationTask, body: str, *, actor: User) -> TaskNote:
    if not body.strip():
        raise InvalidChange(_("Write a note first."), field="body")
    return TaskNote.objects.create(task=task, author=actor, body=body.strip())


def close_task(task: InvestigationTask, status: str, *, actor: User, note: str = "") -> InvestigationTask:
    """Done or cancelled, with an optional closing note. Locks the case (its audit stream) itself."""
    if status not in (TaskStatus.DONE, TaskStatus.CANCELLED):
        raise InvalidChange(_("A task is closed as done or cancelled."), field="status")
    if not task.is_open:
        return task
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).get(pk=task.case_id)
        task.status, task.closed_at = status, timezone.now()
        task.save(update_fields=["status", "closed_at"])
        if note.strip():
            TaskNote.objects.create(task=task, author=actor, body=note.strip())
        actions.record_task(case, task, kind=EventKind.TASK_CLOSED, actor=Actor(user=actor))
    return task
