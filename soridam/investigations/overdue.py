"""Overdue investigation tasks alert their owner and the case's assignee, once per task."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from soridam.accounts.models import Membership, User
from soridam.alerts import fanout
from soridam.alerts.models import AlertKind
from soridam.audit.actors import Actor
from soridam.investigations.models import InvestigationTask, TaskStatus
from soridam.lib.jobs import enqueue_job_on_commit
from soridam.sla.models import LeadNotice

OVERDUE = Actor(system="investigations")


def alert_overdue(now: datetime | None = None, limit: int = 500) -> int:
    """Each overdue open task not yet alerted gets one notice per person; returns how many tasks."""
    now = now or timezone.now()
    alerted = 0
    with transaction.atomic():
        due = (
            InvestigationTask.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=TaskStatus.OPEN, due_at__lte=now, overdue_alerted_at__isnull=True)
            .select_related("case__assignee", "assignee", "owner_team")
            .order_by("due_at")[:limit]
        )
        for task in due:
            _notify(task)
            task.overdue_alerted_at = now
            task.save(update_fields=["overdue_alerted_at"])
            alerted += 1
    return alerted


def recipients(task: InvestigationTask) -> list[User]:
    """The task's assignee (else its team's leads, else the whole team) and the case's assignee."""
    owners = [task.assignee] if task.assignee is not None else _team_owners(task)
    people = {user.pk: user for user in [*owners, task.case.assignee] if user is not None}
    return list(people.values())


def _team_owners(task: InvestigationTask) -> list[User]:
    members = Membership.objects.filter(team=task.owner_team).select_related("user")
    leads = [m.user for m in members if m.is_lead]
    return leads or [m.user for m in members]


def _notify(task: InvestigationTask) -> None:
    people = recipients(task)
    fanout.for_people(task.case, AlertKind.TASK_OVERDUE, people, actor=OVERDUE)
    for person in people:
        with override(person.language):
            text = _("%(reference)s: the task “%(task)s” for %(team)s is overdue.") % {
                "reference": task.case.reference,
                "task": task.title,
                "team": task.owner_team.name,
            }
        notice = LeadNotice.objects.create(recipient=person, case=task.case, text=text[:300])
        if person.email:
            enqueue_job_on_commit("soridam.sla.tasks.email_lead", notice.pk)
