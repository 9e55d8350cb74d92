from django.contrib import admin

from soridam.sla.models import (
    BusinessCalendar,
    CaseSla,
    ClosedDay,
    EscalationFired,
    EscalationRule,
    LeadNotice,
    PeriodicRun,
    SlaPolicy,
    WorkingHours,
)


class WorkingHoursInline(admin.TabularInline[WorkingHours, BusinessCalendar]):
    model = WorkingHours
    extra = 0


class ClosedDayInline(admin.TabularInline[ClosedDay, BusinessCalendar]):
    model = ClosedDay
    extra = 1


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin[BusinessCalendar]):
    list_display = ["name", "time_zone", "always_open", "korean_holidays", "is_default"]
    filter_horizontal = ["teams"]
    inlines = [WorkingHoursInline, ClosedDayInline]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin[SlaPolicy]):
    list_display = [
        "name",
        "priority",
        "category",
        "channel",
        "tier",
        "first_response_minutes",
        "next_response_minutes",
        "resolution_minutes",
        "position",
        "is_active",
    ]
    list_editable = ["position", "is_active"]


@admin.register(EscalationRule)
class EscalationRuleAdmin(admin.ModelAdmin[EscalationRule]):
    list_display = ["target", "percent", "action", "policy", "is_active"]


@admin.register(CaseSla)
class CaseSlaAdmin(admin.ModelAdmin[CaseSla]):
    list_display = ["case", "policy", "first_response_due", "next_response_due", "resolution_due", "paused_at", "risk"]
    raw_id_fields = ["case"]
    readonly_fields = ["next_escalation_at"]


@admin.register(EscalationFired)
class EscalationFiredAdmin(admin.ModelAdmin[EscalationFired]):
    list_display = ["case", "rule", "target", "fired_at"]
    raw_id_fields = ["case"]


@admin.register(LeadNotice)
class LeadNoticeAdmin(admin.ModelAdmin[LeadNotice]):
    list_display = ["recipient", "case", "text", "created_at", "read_at"]
    raw_id_fields = ["case"]


admin.site.register(PeriodicRun)
