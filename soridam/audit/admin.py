from django.contrib import admin
from django.http import HttpRequest

from soridam.audit.models import AuditCheckpoint, AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ("created_at", "actor", "action", "stream", "seq")
    list_filter = ("action",)
    search_fields = ("stream", "actor")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(admin.ModelAdmin[AuditCheckpoint]):
    """Read-only: checkpoints are signed by ``audit.checkpoints`` (hourly job, ``manage.py audit_checkpoint``)."""

    list_display = ("number", "created_at", "streams", "entries", "key_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditCheckpoint | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditCheckpoint | None = None) -> bool:
        return False
