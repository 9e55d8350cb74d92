"""Routing jobs. Each one reloads state and is safe to run twice or concurrently."""

from __future__ import annotations

from django_tasks import task

from soridam.routing import assignment


@task()
def route_case(case_id: int) -> str:
    """Give a new (or returned) case a team and an agent, if one is free. Safe when triage never ran."""
    return assignment.route(case_id)


@task()
def fill_agent(agent_id: int) -> int:
    """An agent has room again (a case was solved, closed or reassigned, or they came online)."""
    return assignment.fill_capacity(agent_id)


@task()
def release_agent(agent_id: int) -> int:
    """An agent went offline: their open cases go back to the pool where the team wants it."""
    return assignment.release(agent_id)


@task()
def assign_pool() -> int:
    """Periodic sweep: hand out waiting pool cases to online agents with room."""
    return assignment.sweep()
