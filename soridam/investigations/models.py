"""Investigation tasks (seed 003, 조사·분석): work a case needs from another department.

A case can hold tasks for the warehouse, payments, quality or a partner team. Each has an owner team, an
assignee, a due time in that team's business time, a status and a thread of notes. Blocking tasks keep the
case in the investigation stage until they are done (``cases.actions.change_stage``).
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.accounts.models import Team, User
from soridam.cases.models import Case


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class InvestigationTask(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="investigation_tasks")
    title = models.CharField(_("task"), max_length=200)
    owner_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="investigation_tasks")
    assignee = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    blocking = models.BooleanField(
        _("blocks the investigation stage"), default=True, help_text=_("The case cannot leave investigation first.")
    )
    status = models.CharField(max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    overdue_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("investigation task")
        verbose_name_plural = _("investigation tasks")
        indexes = [
            models.Index(fields=["owner_team", "status", "due_at"], name="task_team_open_due"),
            models.Index(fields=["case", "status"], name="task_case_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < (now or timezone.now())


class TaskNote(models.Model):
    """One message of a task's thread: between the case's agent and the department doing the work."""

    task = models.ForeignKey(InvestigationTask, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


def open_blocking_tasks(case: Case) -> int:
    """How many blocking tasks of the case are still open (the stage rule reads it)."""
    return InvestigationTask.objects.filter(case=case, blocking=True, status=TaskStatus.OPEN).count()
