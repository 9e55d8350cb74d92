from __future__ import annotations

from typing import Any

from django.contrib import admin

from soridam.triage.models import Label, ModelVersion, Prediction


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Versions and their held-back scores; the blob itself is never shown."""

    list_display = ("__str__", "created_at", "source", "trained_on", "is_active", "held_back_score", "previous_score")
    list_filter = ("is_active", "source")
    exclude = ("blob",)
    readonly_fields = ("created_at", "metrics", "trained_on", "source", "is_active")

    @admin.display(description="held-back score")
    def held_back_score(self, version: ModelVersion) -> Any:
        return (version.metrics.get("held_back") or {}).get("overall", "–")

    @admin.display(description="previous model")
    def previous_score(self, version: ModelVersion) -> Any:
        return (version.metrics.get("previous") or {}).get("overall", "–")


@admin.register(Prediction)
class PredictionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("case", "category", "category_confidence", "priority", "priority_confidence", "needs_review")
    list_filter = ("needs_review", "category", "priority")
    raw_id_fields = ("case",)


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("pk", "source", "category", "priority", "created_by", "updated_at")
    list_filter = ("source", "category", "priority")
    raw_id_fields = ("case",)
