"""The access log in the admin: read-only, for reviewing who saw what and why."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from soridam.privacy.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin[AccessLog]):
    list_display = ("created_at", "user", "action", "case", "customer_id", "message", "ip", "reason", "detail")
    list_filter = ("action",)
    list_select_related = ("user", "case")
    search_fields = ("reason", "user__username", "case__reference")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AccessLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AccessLog | None = None) -> bool:
        return False


from soridam.privacy import admin_dsr  # noqa: E402, F401  (retention and requests: admin_dsr.py)
