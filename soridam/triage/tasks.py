"""Triage jobs. Each reloads state by id and is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from soridam.lib.jobs import enqueue_on_commit
from soridam.routing.tasks import route_case
from soridam.triage import training
from soridam.triage.triage import triage


@task()
def triage_case(case_id: int) -> bool:
    """Classify a new case, then hand it to routing (which now knows its category and priority)."""
    prediction = triage(case_id)
    enqueue_on_commit(route_case, case_id)
    return prediction is not None


@task()
def retrain() -> int | None:
    """Scheduled: learn from agents' corrections; returns the candidate version's id (active or not), None
    when there were too few labels to train one."""
    return training.retrain().candidate_id
