from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone

from soridam.accounts.models import Membership, Role, Team, User
from soridam.cases.models import Case, Category
from soridam.customers.models import Customer
from soridam.routing.models import AgentSkill, AgentState, Presence, SkillKind, TeamRouting

MakeAgents = Callable[..., list[User]]


@pytest.fixture
def make_agents(teams: dict[str, Team]) -> MakeAgents:
    def make(count: int, *, capacity: int = 5, team: str = "delivery", prefix: str = "agent") -> list[User]:
        agents = []
        for number in range(count):
            user = User.objects.create_user(username=f"{prefix}{number}", role=Role.AGENT)
            Membership.objects.create(user=user, team=teams[team])
            AgentState.objects.create(agent=user, presence=Presence.ONLINE, default_capacity=capacity)
            agents.append(user)
        return agents

    return make


@pytest.fixture
def pool_cases(teams: dict[str, Team]) -> Callable[..., list[Case]]:
    """Cases already in a team's pool, made in bulk (routing is what is under test, not intake)."""

    def make(count: int, *, team: str = "delivery", language: str = "ko", channel: str = "web") -> list[Case]:
        customer = Customer.objects.create(name="Kim", email="kim@example.kr")
        category = Category.objects.get(slug="delivery")
        now = timezone.now()
        start = Case.objects.count()
        return Case.objects.bulk_create(
            Case(
                reference=f"T-{start + i:07d}",
                subject="Where is my parcel?",
                customer=customer,
                category=category,
                team=teams[team],
                language=language,
                channel=channel,
                tracking_token=f"token-{start + i:07d}-routing-tests",
                created_at=now,
                updated_at=now,
            )
            for i in range(count)
        )

    return make


def set_strategy(team: Team, strategy: str) -> TeamRouting:
    routing, _created = TeamRouting.objects.update_or_create(team=team, defaults={"strategy": strategy})
    return routing


def speaks(agent: User, *languages: str) -> None:
    AgentSkill.objects.bulk_create(AgentSkill(agent=agent, kind=SkillKind.LANGUAGE, value=lang) for lang in languages)
