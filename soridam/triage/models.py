"""Triage state: trained model versions, one prediction per case, and the labels agents give by correcting."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.cases.models import Case


class ModelVersion(models.Model):
    """A trained triage model (joblib blob) with its held-back scores. At most one is active."""

    created_at = models.DateTimeField(default=timezone.now)
    blob = models.BinaryField()
    metrics = models.JSONField(default=dict, blank=True)
    trained_on = models.PositiveIntegerField(default=0)  # number of labelled examples
    source = models.CharField(max_length=32, default="labels")  # "labels" (retrain) or "file" (train_triage)
    is_active = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("model version")
        verbose_name_plural = _("model versions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=models.Q(is_active=True), name="one_active_model")
        ]

    def __str__(self) -> str:
        return f"v{self.pk}"


class Prediction(models.Model):
    """What triage guessed for a case, each field with its confidence; the latest run wins."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="prediction")
    model_version = models.ForeignKey(ModelVersion, null=True, blank=True, on_delete=models.SET_NULL)
    category = models.CharField(max_length=40)
    category_confidence = models.FloatField()
    priority = models.CharField(max_length=8)
    priority_confidence = models.FloatField()
    sentiment = models.CharField(max_length=8)
    sentiment_confidence = models.FloatField()
    language = models.CharField(max_length=8)
    language_confidence = models.FloatField()
    pii = models.JSONField(default=list, blank=True)
    signals = models.JSONField(default=list, blank=True)
    needs_review = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("prediction")
        verbose_name_plural = _("predictions")
        indexes = [models.Index(fields=["case"], condition=models.Q(needs_review=True), name="prediction_needs_review")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.category}/{self.priority}"


class Label(models.Model):
    """A training example: a case an agent corrected, or a row of an operator's file.

    The text is stored normalised (PII values replaced by their type), which is all the model reads.
    """

    class Source(models.TextChoices):
        AGENT = "agent", _("Agent correction")
        FILE = "file", _("Training file")

    case = models.OneToOneField(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="triage_label")
    subject = models.TextField(blank=True)
    body = models.TextField()
    category = models.CharField(max_length=40, blank=True)
    priority = models.CharField(max_length=8, blank=True)
    sentiment = models.CharField(max_length=8, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.AGENT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("training label")
        verbose_name_plural = _("training labels")

    def __str__(self) -> str:
        return f"{self.source}:{self.pk}"


class RetrainDecision(models.Model):
    """Why a retrain did or did not replace the active model, with the figures it compared (admin)."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        TOO_FEW_LABELS = "too_few_labels", _("Rejected: too few labels per class")
        NOT_BETTER = "not_better", _("Rejected: not better by the margin")

    created_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    labels = models.PositiveIntegerField(default=0)
    labels_per_class = models.JSONField(default=dict, blank=True)
    minimum_per_class = models.PositiveIntegerField(default=0)
    margin = models.FloatField(default=0)
    candidate_scores = models.JSONField(default=dict, blank=True)  # held-back scores of the new model
    active_scores = models.JSONField(default=dict, blank=True)  # the same labels scored by the active model or rules
    candidate = models.ForeignKey(ModelVersion, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("retrain decision")
        verbose_name_plural = _("retrain decisions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.outcome}"
