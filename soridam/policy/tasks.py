"""Remedy jobs: carry out an approved remedy, pick up stranded ones, escalate overdue approvals."""

from __future__ import annotations

from django_tasks import task

from soridam.policy import escalation, execution


@task()
def execute_remedy(remedy_id: int) -> str:
    return execution.execute(remedy_id).state


@task()
def execute_stranded_remedies() -> int:
    """Approved remedies whose execution never ran (the approving process died after its commit)."""
    stranded = execution.stranded()
    for remedy_id in stranded:
        execution.execute(remedy_id)
    return len(stranded)


@task()
def escalate_overdue_approvals() -> int:
    return escalation.escalate_overdue()
