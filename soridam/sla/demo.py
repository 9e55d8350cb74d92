"""Demo configuration for routing and SLAs: a Seoul office calendar, policies, escalation rules and skills."""

from __future__ import annotations

from datetime import time

from soridam.accounts.models import Membership, Team, User
from soridam.cases.models import Priority
from soridam.channels.kinds import Channel
from soridam.customers.models import Tier
from soridam.routing.models import AgentSkill, AgentState, SkillKind, Strategy, TeamRouting, TeamSkill
from soridam.sla.models import BusinessCalendar, EscalationAction, EscalationRule, SlaPolicy, Target, WorkingHours

# (name, priority, tier, channel, first response, next response, resolution) in business minutes.
POLICIES = (
    ("Standard", "", "", "", 240, 480, 2400),
    ("High priority", Priority.HIGH, "", "", 120, 240, 960),
    ("Urgent", Priority.URGENT, "", "", 30, 60, 480),
    ("VIP customers", "", Tier.VIP, "", 60, 120, 960),
    ("Live chat", "", "", Channel.CHAT, 10, 30, 480),
)
RULES = (
    (Target.FIRST_RESPONSE, 75, EscalationAction.NOTIFY_LEAD),
    (Target.FIRST_RESPONSE, 100, EscalationAction.RAISE_PRIORITY),
    (Target.NEXT_RESPONSE, 100, EscalationAction.NOTIFY_LEAD),
    (Target.RESOLUTION, 100, EscalationAction.REASSIGN),
)
STRATEGIES = {"delivery": Strategy.ROUND_ROBIN, "payments": Strategy.LEAST_LOAD, "product": Strategy.SKILLS_FIRST}


def seed_routing_and_sla(teams: dict[str, Team]) -> None:
    """Idempotent: rows that exist are left alone."""
    if not BusinessCalendar.objects.exists():
        office = BusinessCalendar.objects.create(
            name="Seoul office 09-18", break_start=time(12), break_end=time(13), is_default=True
        )
        WorkingHours.objects.bulk_create(
            WorkingHours(calendar=office, weekday=day, start=time(9), end=time(18)) for day in range(5)
        )
    if not SlaPolicy.objects.exists():
        for position, (name, priority, tier, channel, first, following, resolution) in enumerate(POLICIES):
            SlaPolicy.objects.create(
                name=name,
                position=position,
                priority=priority,
                tier=tier,
                channel=channel,
                first_response_minutes=first,
                next_response_minutes=following,
                resolution_minutes=resolution,
            )
        for target, percent, action in RULES:
            EscalationRule.objects.create(target=target, percent=percent, action=action)
    for slug, team in teams.items():
        TeamRouting.objects.get_or_create(team=team, defaults={"strategy": STRATEGIES.get(slug, Strategy.ROUND_ROBIN)})
        TeamSkill.objects.get_or_create(team=team, kind=SkillKind.LANGUAGE, value="ko")
    _seed_agents(teams)


def _seed_agents(teams: dict[str, Team]) -> None:
    agents = User.objects.filter(pk__in=Membership.objects.filter(team__in=teams.values()).values("user_id"))
    for agent in agents.order_by("username"):
        AgentState.objects.get_or_create(agent=agent, defaults={"default_capacity": 8})
        # Everyone answers in Korean; staff whose UI language is English answer in English too.
        for language in {"ko", agent.language}:
            AgentSkill.objects.get_or_create(agent=agent, kind=SkillKind.LANGUAGE, value=language)
