"""Remedy jobs, run by the scheduler (``sla/periodic.py``): pick up stranded remedies, escalate overdue approvals."""

from __future__ import annotations

from django_tasks import task

from soridam.policy import escalation, execution


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
