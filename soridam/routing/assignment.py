"""Giving cases to agents, safely under concurrency.

Lock order, everywhere: the case row, then the team's routing row, then agent rows in primary-key order.
``fill_capacity`` takes the agent first but only ever *skips* locked cases, so no lock cycle can form.
The agent row is held while its load is counted and the case is assigned: two assigners can never both
see "one slot left" for the same agent. On SQLite writers are serial, so the locks are not needed there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, QuerySet
from django.utils import timezone

from soridam.accounts.models import Membership, User
from soridam.audit.actors import Actor
from soridam.cases import actions, routing_actions
from soridam.cases.models import ACTIVE_STATUSES, Case, Status
from soridam.lib.jobs import enqueue_job_on_commit
from soridam.routing.models import AgentCapacity, AgentSkill, AgentState, Presence, Strategy, TeamRouting
from soridam.routing.skills import agent_fits, pick_team, skill_score

ROUTER = Actor(system="routing")


@dataclass
class Candidate:
    state: AgentState
    load: int
    capacity: int
    skills: dict[str, set[str]]

    @property
    def has_room(self) -> bool:
        return self.load < self.capacity


def route(case_id: int) -> str:
    """Find a team and an agent for one case. Returns what happened, for logs and tests."""
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).filter(pk=case_id).first()
        if case is None or case.status != Status.OPEN or case.assignee_id is not None:
            return "skipped"
        if case.team_id is None:
            team = pick_team(case)
            if team is None:
                return "no_team"
            actions.change_team(case, team, actor=ROUTER)
        agent = _choose_agent(case)
        if agent is None:
            return "pool"
        actions.assign(case, agent, actor=ROUTER)
        return agent.username


def route_many(case_ids: Sequence[int]) -> dict[int, str]:
    """``route`` for many cases in one pass and one transaction (a batch of ``route_case`` jobs).

    The same lock order as ``route``: the cases (in id order), then their teams' routing rows (in team id
    order), then every online member of those teams (in primary-key order), all before anything is chosen.
    Loads are counted once and kept current in memory as cases are handed out, so no agent goes over
    capacity and no case is assigned twice; cases are served in the order of their SLA deadline.
    """
    with transaction.atomic():
        cases = list(
            Case.objects.select_for_update(of=("self",))
            .select_related("category", "team", "assignee")
            .filter(pk__in={int(case_id) for case_id in case_ids})
            .order_by("pk")
        )
        outcome = {case.pk: "skipped" for case in cases if case.status != Status.OPEN or case.assignee_id is not None}
        waiting = [case for case in cases if case.pk not in outcome]
        for case in waiting:
            if case.team_id is None:
                team = pick_team(case)
                if team is None:
                    outcome[case.pk] = "no_team"
                    continue
                actions.change_team(case, team, actor=ROUTER)
        waiting = [case for case in waiting if case.pk not in outcome]
        outcome |= _hand_out(sorted(waiting, key=_urgency))
    return outcome


def _urgency(case: Case) -> tuple[float, float, int]:
    due = case.sla_due_at.timestamp() if case.sla_due_at else float("inf")
    return (due, case.created_at.timestamp(), case.pk)


def _hand_out(cases: list[Case]) -> dict[int, str]:
    """Assign each case (their teams known, rows locked) to the agent its team's strategy wants."""
    teams = sorted({case.team_id for case in cases if case.team_id is not None})
    routings = {team_id: _team_routing(team_id) for team_id in teams}
    members: dict[int, set[int]] = {team_id: set() for team_id in teams}
    for team_id, user_id in Membership.objects.filter(team_id__in=teams).values_list("team_id", "user_id"):
        members[team_id].add(user_id)
    states = list(
        AgentState.objects.select_for_update(of=("self",))
        .select_related("agent")
        .filter(agent_id__in=set().union(*members.values()), presence=Presence.ONLINE, agent__is_active=True)
        .order_by("pk")
    )
    by_channel = {channel: _candidates(states, channel) for channel in {case.channel for case in cases}}
    outcome: dict[int, str] = {}
    chosen_for: list[tuple[Case, User]] = []
    now = timezone.now()
    for case in cases:
        routing = routings[case.team_id] if case.team_id is not None else None
        if routing is None or not routing.auto_assign:
            outcome[case.pk] = "pool"
            continue
        team = members[routing.team_id]
        fitting = [
            c
            for c in by_channel[case.channel]
            if c.state.agent_id in team and c.has_room and agent_fits(c.skills, case)
        ]
        chosen = _by_strategy(routing, fitting, case)
        if chosen is None:
            outcome[case.pk] = "pool"
            continue
        chosen.load += 1
        chosen.state.last_assigned_at = now
        routing.last_agent_id = chosen.state.agent_id
        chosen_for.append((case, chosen.state.agent))
        outcome[case.pk] = chosen.state.agent.username
    routing_actions.assign_routed(chosen_for, actor=ROUTER)  # the pass's history in one INSERT each
    AgentState.objects.bulk_update([s for s in states if s.last_assigned_at == now], ["last_assigned_at"])
    for routing in routings.values():
        if routing.strategy == Strategy.ROUND_ROBIN:
            routing.save(update_fields=["last_agent"])
    return outcome


def _team_routing(team_id: int) -> TeamRouting:
    routing = TeamRouting.objects.select_for_update().filter(team_id=team_id).first()
    if routing is None:  # a team's first case: its row with the defaults, created race-free
        TeamRouting.objects.bulk_create([TeamRouting(team_id=team_id)], ignore_conflicts=True)
        routing = TeamRouting.objects.select_for_update().get(team_id=team_id)
    return routing


def reassign(case: Case, *, actor: Actor) -> User | None:
    """Give an assigned case to another agent with room (an SLA escalation); caller holds the case lock.
    With nobody else free the case stays where it is rather than bounce through the pool."""
    if case.team_id is None or case.assignee_id is None:
        return None
    agent = _choose_agent(case, exclude=case.assignee_id)
    if agent is not None:
        actions.assign(case, agent, actor=actor)
    return agent


def _choose_agent(case: Case, exclude: int | None = None) -> User | None:
    """Pick, under lock, the agent the team's strategy wants; caller holds the case lock."""
    if case.team_id is None:
        return None
    routing = _team_routing(case.team_id)
    if not routing.auto_assign:
        return None
    members = Membership.objects.filter(team_id=case.team_id).values("user_id")
    states = list(
        AgentState.objects.select_for_update(of=("self",))
        .select_related("agent")
        .filter(agent_id__in=members, presence=Presence.ONLINE, agent__is_active=True)
        .exclude(agent_id=exclude)
        .order_by("pk")
    )
    fitting = [c for c in _candidates(states, case.channel) if c.has_room and agent_fits(c.skills, case)]
    chosen = _by_strategy(routing, fitting, case)
    if chosen is None:
        return None
    chosen.state.last_assigned_at = timezone.now()
    chosen.state.save(update_fields=["last_assigned_at"])
    if routing.strategy == Strategy.ROUND_ROBIN:
        routing.last_agent_id = chosen.state.agent_id
        routing.save(update_fields=["last_agent"])
    return chosen.state.agent


def _candidates(states: Sequence[AgentState], channel: str) -> list[Candidate]:
    ids = [s.agent_id for s in states]
    loads = dict(
        Case.objects.filter(assignee_id__in=ids, status__in=ACTIVE_STATUSES, channel=channel)
        .values_list("assignee_id")
        .annotate(n=Count("id"))
        .values_list("assignee_id", "n")
    )
    limits = dict(AgentCapacity.objects.filter(agent_id__in=ids, channel=channel).values_list("agent_id", "limit"))
    skills: dict[int, dict[str, set[str]]] = {i: {} for i in ids}
    for agent_id, kind, value in AgentSkill.objects.filter(agent_id__in=ids).values_list("agent_id", "kind", "value"):
        skills[agent_id].setdefault(kind, set()).add(value)
    return [
        Candidate(s, loads.get(s.agent_id, 0), limits.get(s.agent_id, s.default_capacity), skills[s.agent_id])
        for s in states
    ]


def _by_strategy(routing: TeamRouting, fitting: list[Candidate], case: Case) -> Candidate | None:
    if not fitting:
        return None
    if routing.strategy == Strategy.ROUND_ROBIN:
        # The next agent after the last one served, by id, wrapping around: exact turns, even with ties in time.
        after = [c for c in fitting if routing.last_agent_id is not None and c.state.agent_id > routing.last_agent_id]
        return (after or fitting)[0]
    if routing.strategy == Strategy.SKILLS_FIRST:
        best = max(skill_score(c.skills, case) for c in fitting)
        fitting = [c for c in fitting if skill_score(c.skills, case) == best]
    return min(fitting, key=_load_key)


def _load_key(c: Candidate) -> tuple[float, int, float, int]:
    last = c.state.last_assigned_at.timestamp() if c.state.last_assigned_at else 0.0
    return (c.load / max(c.capacity, 1), c.load, last, c.state.agent_id)


def fill_capacity(agent_id: int, limit: int = 50) -> int:
    """Pull pool cases (most urgent SLA first) to an online agent until their capacity is used."""
    given = 0
    while given < limit and _pull_one(agent_id):
        given += 1
    return given


def _pull_one(agent_id: int) -> bool:
    with transaction.atomic():
        state = AgentState.objects.select_for_update(of=("self",)).select_related("agent").filter(agent_id=agent_id)
        agent_state = state.first()
        if agent_state is None or agent_state.presence != Presence.ONLINE or not agent_state.agent.is_active:
            return False
        for case in _pool_for(agent_state.agent)[:20]:
            candidate = _candidates([agent_state], case.channel)[0]
            if candidate.has_room and agent_fits(candidate.skills, case):
                agent_state.last_assigned_at = timezone.now()
                agent_state.save(update_fields=["last_assigned_at"])
                actions.assign(case, agent_state.agent, actor=ROUTER)
                return True
    return False


def _pool_for(agent: User) -> QuerySet[Case]:
    teams = Membership.objects.filter(user=agent).values("team_id")
    manual = TeamRouting.objects.filter(auto_assign=False).values("team_id")  # read, not locked
    return (
        Case.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(team_id__in=teams, assignee__isnull=True, status=Status.OPEN)
        .exclude(team_id__in=manual)
        .order_by(F("sla_due_at").asc(nulls_last=True), "created_at", "id")
    )


def release(agent_id: int) -> int:
    """An offline agent's open cases go back to the pool (teams that want it) and are routed again."""
    keep = TeamRouting.objects.filter(return_on_offline=False).values("team_id")
    ids = list(
        Case.objects.filter(assignee_id=agent_id, status=Status.OPEN)
        .exclude(team_id__in=keep)
        .values_list("id", flat=True)
    )
    released = 0
    for case_id in ids:
        with transaction.atomic():
            case = Case.objects.select_for_update(of=("self",)).get(pk=case_id)
            state = AgentState.objects.filter(agent_id=agent_id).values_list("presence", flat=True).first()
            if case.assignee_id != agent_id or state != Presence.OFFLINE:
                continue
            actions.assign(case, None, actor=ROUTER)
            enqueue_job_on_commit("soridam.routing.tasks.route_case", case.pk)
            released += 1
    return released


def sweep() -> int:
    """Offer the pool to every online agent (covers cases that arrived while nobody had room)."""
    online = AgentState.objects.filter(presence=Presence.ONLINE).order_by("last_assigned_at", "pk")
    return sum(fill_capacity(agent_id) for agent_id in online.values_list("agent_id", flat=True))
