"""The e-mail outbox: one row per message to a customer, with its delivery state."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.cases.models import Case, Message


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboundEmail(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="outbound_emails")
    kind = models.CharField(max_length=32)
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    to_address = models.EmailField()
    state = models.CharField(max_length=8, choices=DeliveryState.choices, default=DeliveryState.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    rfc_message_id = models.CharField(max_length=255, blank=True, db_index=True, help_text="Our Message-ID header")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "created_at"], name="outbound_state_created")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.case_id} ({self.state})"
