"""Who may take which case: team skills and strategy, agent presence, skills and capacity per channel."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from soridam.accounts.models import Team
from soridam.channels.kinds import Channel


class Strategy(models.TextChoices):
    ROUND_ROBIN = "round_robin", _("Round-robin")
    LEAST_LOAD = "least_load", _("Least load")
    SKILLS_FIRST = "skills_first", _("Skills first")


class Presence(models.TextChoices):
    ONLINE = "online", _("Online")
    AWAY = "away", _("Away")
    OFFLINE = "offline", _("Offline")


class SkillKind(models.TextChoices):
    CATEGORY = "category", _("Category")
    LANGUAGE = "language", _("Language")
    CHANNEL = "channel", _("Channel")


class TeamRouting(models.Model):
    """How one team hands out its cases. Its row is also the lock that serialises round-robin turns."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="routing")
    strategy = models.CharField(max_length=16, choices=Strategy.choices, default=Strategy.ROUND_ROBIN)
    auto_assign = models.BooleanField(default=True)
    return_on_offline = models.BooleanField(
        default=True, help_text=_("Open cases of an agent who goes offline go back to the pool.")
    )
    last_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("team routing")
        verbose_name_plural = _("team routing settings")

    def __str__(self) -> str:
        return f"{self.team}: {self.strategy}"


class TeamSkill(models.Model):
    """What a team handles; routing picks a team for a case without one by these."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="skills")
    kind = models.CharField(max_length=16, choices=SkillKind.choices)
    value = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("team skill")
        verbose_name_plural = _("team skills")
        constraints = [models.UniqueConstraint(fields=["team", "kind", "value"], name="team_skill_unique")]

    def __str__(self) -> str:
        return f"{self.team}: {self.kind}={self.value}"


class AgentSkill(models.Model):
    """What an agent can handle. An agent with language skills only gets cases in those languages."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skills")
    kind = models.CharField(max_length=16, choices=SkillKind.choices)
    value = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("agent skill")
        verbose_name_plural = _("agent skills")
        constraints = [models.UniqueConstraint(fields=["agent", "kind", "value"], name="agent_skill_unique")]

    def __str__(self) -> str:
        return f"{self.agent}: {self.kind}={self.value}"


class AgentState(models.Model):
    """An agent's presence. Its row is locked while a case is given to the agent, so the load check and
    the assignment happen under one lock and two assigners never push the agent over capacity."""

    agent = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routing_state")
    presence = models.CharField(max_length=8, choices=Presence.choices, default=Presence.OFFLINE)
    default_capacity = models.PositiveSmallIntegerField(
        default=5, help_text=_("Open cases at once on a channel without its own limit.")
    )
    last_assigned_at = models.DateTimeField(null=True, blank=True)
    # The last heartbeat of an open workspace page (``presence.workspace_heartbeat``); None: no page since the
    # agent last chose a presence themselves.
    workspace_seen_at = models.DateTimeField(null=True, blank=True)
    # True while the presence follows the open workspace: set by it, or "online" chosen by the agent. An
    # explicit "away" or "offline" is False, and the heartbeat leaves it alone.
    follows_workspace = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("agent state")
        verbose_name_plural = _("agent states")

    def __str__(self) -> str:
        return f"{self.agent}: {self.presence}"


class AgentCapacity(models.Model):
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="capacities")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    limit = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("agent capacity")
        verbose_name_plural = _("agent capacities")
        constraints = [models.UniqueConstraint(fields=["agent", "channel"], name="agent_capacity_unique")]

    def __str__(self) -> str:
        return f"{self.agent}: {self.channel} ≤ {self.limit}"
