"""The access log: one row each time someone sees personal data unmasked, with the reason they gave."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.cases.models import Case, Message


class AccessAction(models.TextChoices):
    REVEAL = "reveal", _("Revealed personal data")
    VIEW_ORIGINAL = "view_original", _("Opened the original message")


class AccessLog(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=16, choices=AccessAction.choices)
    reason = models.TextField()

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        indexes = [models.Index(fields=["case", "created_at"], name="accesslog_case_created")]
        permissions = [("reveal_pii", "Can reveal personal data and open original messages")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} case {self.case_id} at {self.created_at:%Y-%m-%d %H:%M}"


from soridam.privacy.models_dsr import *  # noqa: E402, F403  (retention and requests: models_dsr.py)
