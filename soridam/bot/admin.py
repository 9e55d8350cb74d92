from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from soridam.bot.models import TRANSFER_NOTICE, LlmTransferAcceptance


@admin.register(LlmTransferAcceptance)
class LlmTransferAcceptanceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Who accepted the LLM transfer notice, and when. Adding one is accepting it, as the signed-in admin."""

    list_display = ("endpoint", "accepted_by", "accepted_at")
    readonly_fields = ("notice", "accepted_by", "accepted_at")
    fields = ("endpoint", "notice", "accepted_by", "accepted_at")

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "endpoint":
            kwargs["assume_scheme"] = "https"  # an LLM address without a scheme is meant as https
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"notice": str(TRANSFER_NOTICE)}

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a record of who accepted what: changed only by a new acceptance

    def save_model(self, request: HttpRequest, obj: LlmTransferAcceptance, form: Any, change: bool) -> None:
        obj.accepted_by = request.user  # type: ignore[assignment]
        obj.notice = str(TRANSFER_NOTICE)
        super().save_model(request, obj, form, change)
