"""Who sees which figures (R-ANALYTICS-5, R-SEC-1): the only way views get an analytics scope.

Admins see every team and agent. Leads see the teams they belong to, with each agent's figures there.
Agents see their own teams' figures and never any agent's: the agent filter and table are not offered,
and an agent filter in the address is refused like a missing page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from soridam.accounts.models import Membership, Role, Team, User


@dataclass(frozen=True)
class Scope:
    teams: tuple[int, ...] | None  # None: all, with cases that have no team
    sees_agents: bool

    def allows_team(self, team_id: int) -> bool:
        return self.teams is None or team_id in self.teams


def analytics_scope(user: User) -> Scope:
    if user.effective_role == Role.ADMIN:
        return Scope(teams=None, sees_agents=True)
    teams = tuple(Membership.objects.filter(user=user).order_by("team_id").values_list("team_id", flat=True))
    return Scope(teams=teams, sees_agents=user.effective_role == Role.LEAD)


def access_team(scope: Scope, team_id: int) -> Team:
    if not scope.allows_team(team_id):
        raise Http404
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise Http404
    return team


def visible_agents(scope: Scope) -> list[User]:
    """The agents whose figures this scope shows (none for agents)."""
    if not scope.sees_agents:
        return []
    members = User.objects.filter(is_active=True, role__in=(Role.AGENT, Role.LEAD))
    if scope.teams is not None:
        members = members.filter(membership__team_id__in=scope.teams)
    return list(members.distinct().order_by("username"))


def access_agent(scope: Scope, agent_id: int) -> User:
    agent = next((user for user in visible_agents(scope) if user.pk == agent_id), None)
    if agent is None:
        raise Http404
    return agent
