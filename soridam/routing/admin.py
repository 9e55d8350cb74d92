from django.contrib import admin

from soridam.routing.models import AgentCapacity, AgentSkill, AgentState, TeamRouting, TeamSkill


@admin.register(TeamRouting)
class TeamRoutingAdmin(admin.ModelAdmin[TeamRouting]):
    list_display = ["team", "strategy", "auto_assign", "return_on_offline"]


@admin.register(TeamSkill)
class TeamSkillAdmin(admin.ModelAdmin[TeamSkill]):
    list_display = ["team", "kind", "value"]
    list_filter = ["kind"]


@admin.register(AgentSkill)
class AgentSkillAdmin(admin.ModelAdmin[AgentSkill]):
    list_display = ["agent", "kind", "value"]
    list_filter = ["kind"]


@admin.register(AgentState)
class AgentStateAdmin(admin.ModelAdmin[AgentState]):
    list_display = ["agent", "presence", "default_capacity", "last_assigned_at"]
    list_filter = ["presence"]


@admin.register(AgentCapacity)
class AgentCapacityAdmin(admin.ModelAdmin[AgentCapacity]):
    list_display = ["agent", "channel", "limit"]
