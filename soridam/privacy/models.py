"""The access log (R-SEC-5): one row each time someone views, searches, exports, edits or reveals personal
data, with the reason they gave; the sealed identifiers of customer messages (R-SEC-3); the checkpoint of a
data-key rotation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.cases.models import Case, Message
from soridam.customers.models import Customer
from soridam.privacy.crypto import EncryptedTextField


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed personal data")
    SEARCH = "search", _("Searched personal data")
    EXPORT = "export", _("Exported personal data")
    EDIT = "edit", _("Edited personal data")
    REVEAL = "reveal", _("Revealed personal data")
    VIEW_ORIGINAL = "view_original", _("Opened the original message")


class AccessLog(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    # The data subject: the case's customer, or the customer of a customer page; none for a search or export.
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=16, choices=AccessAction.choices)
    reason = models.TextField(blank=True)
    # What was searched (masked) or exported (the export's name and row count): never personal data itself.
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        indexes = [
            models.Index(fields=["case", "created_at"], name="accesslog_case_created"),
            models.Index(fields=["action", "created_at"], name="accesslog_action_created"),
        ]
        permissions = [
            ("reveal_pii", "Can reveal personal data and open original messages"),
            ("review_access_log", "Can read the monthly personal data access report"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} case {self.case_id} at {self.created_at:%Y-%m-%d %H:%M}"


class SealedValue(models.Model):
    """A unique identifier, card or account number found in a customer's message or subject (SPEC §5.1). The
    stored text shows it masked; this row holds it encrypted, at ``start:end`` of the masked text, for the
    reveal flow (``privacy.sealing.unsealed``)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="sealed_values")
    field = models.CharField(max_length=16, default="body")  # "body" or "subject" (the case's subject)
    kind = models.CharField(max_length=16)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    value = EncryptedTextField()

    class Meta:
        verbose_name = _("sealed value")
        verbose_name_plural = _("sealed values")
        indexes = [models.Index(fields=["message", "field"], name="sealedvalue_message_field")]

    def __str__(self) -> str:
        return f"{self.kind} in message {self.message_id} {self.field}[{self.start}:{self.end}]"


class KeyRotation(models.Model):
    """Where ``manage.py rotate_data_key`` has got to in one table, so an interrupted run resumes there."""

    table = models.CharField(max_length=120, unique=True)
    target_kid = models.CharField(max_length=64)
    last_pk = models.BigIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("data key rotation")
        verbose_name_plural = _("data key rotations")

    def __str__(self) -> str:
        return f"{self.table} → {self.target_kid} after {self.last_pk}"


from soridam.privacy.models_dsr import *  # noqa: E402, F403  (retention and requests: models_dsr.py)
