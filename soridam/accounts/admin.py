from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from soridam.accounts.models import ApiToken, Membership, Team, User


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
