from django.contrib import admin

from soridam.investigations.models import InvestigationTask, TaskNote


class TaskNoteInline(admin.TabularInline[TaskNote, InvestigationTask]):
    model = TaskNote
    extra = 0
    readonly_fields = ("author", "body", "created_at")


@admin.register(InvestigationTask)
class InvestigationTaskAdmin(admin.ModelAdmin[InvestigationTask]):
    list_display = ("title", "case", "owner_team", "assignee", "status", "due_at", "blocking")
    list_filter = ("status", "owner_team", "blocking")
    list_select_related = ("case", "owner_team", "assignee")
    readonly_fields = ("case", "created_by", "created_at", "closed_at", "overdue_alerted_at")
    inlines = [TaskNoteInline]
