"""Satisfaction surveys sent when a case closes (R-FOLLOW-3)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.cases.models import Case


class Survey(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="survey")
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")

    def __str__(self) -> str:
        return f"survey for {self.case_id}"

    @property
    def is_open(self) -> bool:
        return timezone.now() < self.expires_at
