from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from soridam.cases.models import Case, Category
from soridam.privacy.presenter import shown

Column = Callable[[Case], str]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ("slug", "name_ko", "name_en", "default_team", "is_active", "position")
    list_editable = ("name_ko", "name_en", "default_team", "is_active", "position")
    list_filter = ("is_active", "default_team")
    search_fields = ("slug", "name_ko", "name_en")
    ordering = ("position", "slug")


def _subject_column(user: Any) -> Column:
    @admin.display(description=_("Subject"))
    def subject(case: Case) -> str:
        return shown(user, case.subject)

    return subject


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin[Case]):
    """A read-only list for admins: every change to a case goes through the workspace (cases.actions), so each
    row links there. The subject is customer text, shown through the privacy presenter, and never a field."""

    list_filter = ("status", "stage", "priority", "channel", "team", "category", "created_at")
    search_fields = ("=reference", "=order_number")
    list_select_related = ("team", "assignee", "category")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    fields = ("reference", "channel", "category", "priority", "stage", "status", "team", "assignee", "created_at")
    show_full_result_count = False  # a count of a million rows on every page is the slow part

    def get_list_display(self, request: HttpRequest) -> tuple[str | Column, ...]:
        subject = _subject_column(request.user)
        return ("reference", subject, "stage", "status", "priority", "team", "assignee", "created_at", "workspace")

    @admin.display(description=_("Workspace"))
    def workspace(self, case: Case) -> SafeString:
        return format_html('<a href="{}">{}</a>', reverse("workspace:case", args=[case.pk]), _("Open in the workspace"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return False
