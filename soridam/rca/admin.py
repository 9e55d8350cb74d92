from django.contrib import admin

from soridam.rca.models import CaseCause, Problem, ProblemEvent, Spike


class ProblemEventInline(admin.TabularInline[ProblemEvent, Problem]):
    model = ProblemEvent
    extra = 0
    readonly_fields = ("kind", "actor_name", "before", "after", "note", "created_at")
    can_delete = False


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin[Problem]):
    """Read-mostly: problems change in the workspace, where each change is recorded."""

    list_display = ("title", "status", "owner", "updated_at", "resolved_at")
    list_filter = ("status",)
    list_select_related = ("owner",)
    readonly_fields = ("status", "created_by", "created_at", "updated_at", "resolved_at", "fix_announced_at")
    inlines = [ProblemEventInline]


@admin.register(Spike)
class SpikeAdmin(admin.ModelAdmin[Spike]):
    list_display = ("label", "dimension", "day", "count", "baseline", "z_score", "problem")
    list_filter = ("dimension",)
    readonly_fields = ("dimension", "key", "label", "day", "count", "baseline", "z_score", "case_ids", "problem")


@admin.register(CaseCause)
class CaseCauseAdmin(admin.ModelAdmin[CaseCause]):
    list_display = ("case", "code", "set_by", "set_at")
    list_filter = ("code",)
    list_select_related = ("case", "set_by")
    readonly_fields = ("case", "code", "set_by", "set_at")
