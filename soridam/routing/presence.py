"""An agent's presence, and what routing does when it changes."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from soridam.accounts.models import User
from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.lib.jobs import enqueue_job_on_commit
from soridam.routing.models import AgentState, Presence

# An open workspace page says so this often (htmx ``every``); after WORKSPACE_GONE without one, every page
# is taken as closed and the agent goes away (the periodic ``presence_sweep``).
HEARTBEAT_SECONDS = 30
WORKSPACE_GONE = timedelta(minutes=5)
WORKSPACE = Actor(system="workspace")


def state_of(agent: User) -> AgentState:
    AgentState.objects.bulk_create([AgentState(agent=agent)], ignore_conflicts=True)
    return AgentState.objects.get(agent=agent)


def set_presence(agent: User, presence: str, *, actor: Actor | None = None) -> AgentState:
    """Going offline returns open cases to the pool; coming online pulls cases from it. A presence chosen by
    anyone but the workspace itself restarts its tracking: "online" follows the open pages from their next
    heartbeat on, "away" and "offline" stay until chosen otherwise."""
    if presence not in Presence.values:
        raise ValueError(presence)
    with transaction.atomic():
        state_of(agent)
        state = AgentState.objects.select_for_update().get(agent=agent)
        before, state.presence = state.presence, presence
        if actor != WORKSPACE:
            state.follows_workspace = presence == Presence.ONLINE
            state.workspace_seen_at = None
        state.save(update_fields=["presence", "follows_workspace", "workspace_seen_at"])
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


def workspace_heartbeat(agent: User, now: datetime | None = None) -> bool:
    """An open workspace page of the agent is alive: they are online unless they chose otherwise.
    One UPDATE while nothing changes; True when this heartbeat brought them online."""
    now = now or timezone.now()
    if not AgentState.objects.filter(agent=agent).update(workspace_seen_at=now):
        state_of(agent)
        AgentState.objects.filter(agent=agent).update(workspace_seen_at=now)
    dormant = AgentState.objects.filter(agent=agent, follows_workspace=True).exclude(presence=Presence.ONLINE)
    if not dormant.exists():
        return False
    set_presence(agent, Presence.ONLINE, actor=WORKSPACE)
    return True


def sweep_closed_workspaces(now: datetime | None = None) -> int:
    """Agents whose every workspace page has been closed for WORKSPACE_GONE go away: routing stops giving them
    cases, and the cases they hold stay theirs (away, not offline). Returns how many went away."""
    cutoff = (now or timezone.now()) - WORKSPACE_GONE
    gone = AgentState.objects.filter(
        presence=Presence.ONLINE, follows_workspace=True, workspace_seen_at__lt=cutoff
    ).select_related("agent")
    count = 0
    for state in gone:
        set_presence(state.agent, Presence.AWAY, actor=WORKSPACE)
        count += 1
    return count
