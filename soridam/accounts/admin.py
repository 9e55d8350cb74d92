from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from soridam.accounts import processors
from soridam.accounts.models import ApiToken, Membership, ProcessorAcceptance, Team, User


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 1


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Soridam", {"fields": ("role", "language", "display_name")}))  # type: ignore[misc]
    list_display = ("username", "display_name", "email", "role", "language", "is_active")
    list_filter = ("role", "is_active", "teams")
    inlines = [MembershipInline]


class TeamMembershipInline(admin.TabularInline[Membership, Team]):
    model = Membership
    extra = 1


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ("name", "slug", "email_address")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [TeamMembershipInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("prefix", "user", "name", "created_at", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = ("prefix", "token_hash", "created_at", "last_used_at")
    actions = ["revoke"]

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request: object, queryset: object) -> None:
        from django.utils import timezone

        from soridam.accounts.access import forget_checked_tokens

        queryset.update(revoked_at=timezone.now())  # type: ignore[attr-defined]
        forget_checked_tokens()  # other processes stop accepting them within TOKEN_CHECK_SECONDS


@admin.register(ProcessorAcceptance)
class ProcessorAcceptanceAdmin(admin.ModelAdmin[ProcessorAcceptance]):
    """Who accepted the outsourcing notice for which outside processor, and when (R-SEC-13). Adding one is
    accepting the notice shown, as the signed-in admin; rows are never changed or deleted."""

    list_display = ("kind", "accepted_by", "accepted_at")
    fields = ("kind", "notice", "accepted_by", "accepted_at", "notice_hash")
    readonly_fields = ("notice", "accepted_by", "accepted_at", "notice_hash")

    @admin.display(description=_("Notice"))
    def notice(self, acceptance: ProcessorAcceptance) -> str:
        return processors.NOTICE

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_admin_role", False))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ProcessorAcceptance, form: Any, change: bool) -> None:
        obj.accepted_by = request.user  # type: ignore[assignment]
        obj.notice_hash = processors.notice_hash(obj.kind)
        super().save_model(request, obj, form, change)
