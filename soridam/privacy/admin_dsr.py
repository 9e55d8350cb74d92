"""Retention and requests in the admin: legal holds, the restricted store and the destruction log (privacy
officers only), and data-subject requests with their clock. Imported by ``privacy/admin.py``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.audit.actors import Actor
from soridam.cases.errors import InvalidChange
from soridam.privacy import dsr
from soridam.privacy.models_dsr import DestructionLog, LegalHold, PrivacyProfile, RetainedRecord, SubjectRequest


class OfficerOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    """Only privacy officers see these pages; the records are never edited by hand."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return dsr.is_privacy_officer(request.user)  # type: ignore[arg-type]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return dsr.is_privacy_officer(request.user)  # type: ignore[arg-type]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RetainedRecord)
class RetainedRecordAdmin(OfficerOnly):
    list_display = ("model", "object_id", "retention", "customer_id", "case_id", "retained_at", "keep_until")
    list_filter = ("retention", "model")
    search_fields = ("=customer_id", "=case_id")


@admin.register(DestructionLog)
class DestructionLogAdmin(OfficerOnly):
    list_display = ("destroyed_at", "retention", "model", "store", "count", "trigger", "rule", "method")
    list_filter = ("trigger", "retention", "store")
    date_hierarchy = "destroyed_at"


@admin.register(LegalHold)
class LegalHoldAdmin(OfficerOnly):
    list_display = ("pk", "customer", "case", "reason", "placed_by", "placed_at", "released_at")
    fields = ("customer", "case", "reason")
    raw_id_fields = ("customer", "case")
    actions = ["release"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return dsr.is_privacy_officer(request.user)  # type: ignore[arg-type]

    def save_model(self, request: HttpRequest, obj: LegalHold, form: Any, change: bool) -> None:
        obj.placed_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Release the selected holds"))
    def release(self, request: HttpRequest, queryset: QuerySet[LegalHold]) -> None:
        queryset.filter(released_at__isnull=True).update(released_at=timezone.now(), released_by=request.user)


@admin.register(SubjectRequest)
class SubjectRequestAdmin(OfficerOnly):
    list_display = ("pk", "kind", "customer_id", "state", "via", "received_at", "due_at", "completed_at")
    list_filter = ("kind", "state")
    fields = ("customer", "kind", "details")
    raw_id_fields = ("customer",)
    actions = ["carry_out"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return dsr.is_privacy_officer(request.user)  # type: ignore[arg-type]

    def save_model(self, request: HttpRequest, obj: SubjectRequest, form: Any, change: bool) -> None:
        """A request recorded in the admin starts its clock like any other (``dsr.open_request``)."""
        made = dsr.open_request(
            obj.customer,
            obj.kind,
            actor=Actor(user=request.user),  # type: ignore[arg-type]
            via="admin",
            details=obj.details,
        )
        obj.pk = made.pk

    @admin.action(description=_("Carry out the selected requests"))
    def carry_out(self, request: HttpRequest, queryset: QuerySet[SubjectRequest]) -> None:
        for pk in queryset.values_list("pk", flat=True):
            with transaction.atomic():
                item = SubjectRequest.objects.select_for_update().get(pk=pk)
                try:
                    dsr.carry_out(item, actor=Actor(user=request.user))  # type: ignore[arg-type]
                except InvalidChange as refused:
                    messages.error(request, f"#{pk}: {refused.message}")


@admin.register(PrivacyProfile)
class PrivacyProfileAdmin(OfficerOnly):
    list_display = ("customer_id", "processing_suspended_at", "under_14", "guardian_consent_at", "guardian_consent_by")
    list_filter = ("under_14",)
