from django.contrib import admin
from django.http import HttpRequest

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


class _NoDelete:
    """SLA configuration is cached per process for a few seconds (sla.config), so a deleted row could still
    be referenced by a new case's clock in another process. Deactivate or edit instead of deleting."""

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ClosedDayInline(admin.TabularInline[ClosedDay, BusinessCalendar]):
    model = ClosedDay
    extra = 1


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(_NoDelete, admin.ModelAdmin[BusinessCalendar]):
    list_display = ["name", "time_zone", "always_open", "korean_holidays", "is_default"]
    filter_horizontal = ["teams"]
    inlines = [WorkingHoursInline, ClosedDayInline]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(_NoDelete, admin.ModelAdmin[SlaPolicy]):
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
class EscalationRuleAdmin(_NoDelete, admin.ModelAdmin[EscalationRule]):
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
