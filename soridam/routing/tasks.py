"""Routing jobs. Each one reloads state and is safe to run twice or concurrently."""

from __future__ import annotations

from collections.abc import Sequence

from django_tasks import task

from soridam.lib import jobs
from soridam.routing import assignment, presence


@task(priority=jobs.CASE_FLOW)
def route_case(case_id: int) -> str:
    """Give a new (or returned) case a team and an agent, if one is free. Safe when triage never ran."""
    return assignment.route(case_id)


@jobs.batch_of(route_case)
def route_cases(case_ids: Sequence[int]) -> int:
    """A batch of ``route_case`` rows in one routing pass (``assignment.route_many``)."""
    return len(assignment.route_many(case_ids))


@task(priority=jobs.CASE_FLOW)
def fill_agent(agent_id: int) -> int:
    """An agent has room again (a case was solved, closed or reassigned, or they came online)."""
    return assignment.fill_capacity(agent_id)


@task(priority=jobs.CASE_FLOW)
def release_agent(agent_id: int) -> int:
    """An agent went offline: their open cases go back to the pool where the team wants it."""
    return assignment.release(agent_id)


@task(priority=jobs.CASE_FLOW)
def assign_pool() -> int:
    """Periodic sweep: hand out waiting pool cases to online agents with room."""
    return assignment.sweep()


@task(priority=jobs.CASE_FLOW)
def presence_sweep() -> int:
    """Periodic: agents whose workspace pages are all closed go away (``presence.sweep_closed_workspaces``)."""
    return presence.sweep_closed_workspaces()
