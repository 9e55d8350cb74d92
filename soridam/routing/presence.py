"""An agent's presence, and what routing does when it changes."""

from __future__ import annotations

from django.db import transaction

from soridam.accounts.models import User
from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.lib.jobs import enqueue_job_on_commit
from soridam.routing.models import AgentState, Presence


def state_of(agent: User) -> AgentState:
    AgentState.objects.bulk_create([AgentState(agent=agent)], ignore_conflicts=True)
    return AgentState.objects.get(agent=agent)


def set_presence(agent: User, presence: str, *, actor: Actor | None = None) -> AgentState:
    """Going offline returns open cases to the pool; coming online pulls cases from it."""
    if presence not in Presence.values:
        raise ValueError(presence)
    with transaction.atomic():
        state_of(agent)
        state = AgentState.objects.select_for_update().get(agent=agent)
        before, state.presence = state.presence, presence
        state.save(update_fields=["presence"])
        audit.record(actor or Actor(user=agent), "agent.presence", target=state, data={"from": before, "to": presence})
        if presence == Presence.OFFLINE:
            enqueue_job_on_commit("soridam.routing.tasks.release_agent", agent.pk)
        elif presence == Presence.ONLINE:
            enqueue_job_on_commit("soridam.routing.tasks.fill_agent", agent.pk)
    return state


def capacity_freed(agent_id: int | None) -> None:
    """Called by the case actions when an agent's case is solved, closed or given away. Filling calls the
    actions again, so the job is named, not imported (``lib.jobs``)."""
    if agent_id is not None:
        enqueue_job_on_commit("soridam.routing.tasks.fill_agent", agent_id)
