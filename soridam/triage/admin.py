from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from soridam.triage.models import Label, ModelVersion, Prediction, RetrainDecision


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


@admin.register(RetrainDecision)
class RetrainDecisionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Every retrain: accepted or why not, with the held-back figures of the candidate and the active model."""

    list_display = ("created_at", "outcome", "labels", "smallest_class", "candidate_score", "active_score", "candidate")
    list_filter = ("outcome",)
    readonly_fields = (
        "created_at",
        "outcome",
        "labels",
        "labels_per_class",
        "minimum_per_class",
        "margin",
        "candidate_scores",
        "active_scores",
        "candidate",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("fewest labels in a class"))
    def smallest_class(self, decision: RetrainDecision) -> str:
        counts = decision.labels_per_class or {}
        if not counts:
            return "–"
        name = min(counts, key=lambda category: counts[category])
        return f"{name}: {counts[name]} / {decision.minimum_per_class}"

    @admin.display(description=_("candidate (held back)"))
    def candidate_score(self, decision: RetrainDecision) -> Any:
        return decision.candidate_scores.get("overall", "–")

    @admin.display(description=_("active model or rules (held back)"))
    def active_score(self, decision: RetrainDecision) -> Any:
        return decision.active_scores.get("overall", "–")
