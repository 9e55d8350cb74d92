"""The outbox: one row per message to a customer, on whichever channel, with its delivery state."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.cases.models import Case, Message
from soridam.channels.kinds import Channel
from soridam.channels.models import ChannelAccount


class NotificationKind(models.TextChoices):
    """What we tell the customer. Each kind has a template ``notifications/email/<kind>.txt``."""

    CASE_OPENED = "case_opened", _("Case opened")
    STAGE_CHANGED = "stage_changed", _("Stage changed")
    AGENT_REPLY = "agent_reply", _("Agent reply")
    SURVEY_REQUEST = "survey_request", _("Survey request")


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboundMessage(models.Model):
    """A message to a customer and its delivery. ``attempts`` counts claims: a worker killed mid-send
    has used one. ``lease_until`` is set while a worker holds the row (state ``sending``)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="outbound_messages")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    account = models.ForeignKey(ChannelAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recipient = models.CharField(max_length=255, help_text="The customer's address or id on the channel")
    state = models.CharField(max_length=8, choices=DeliveryState.choices, default=DeliveryState.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    external_id = models.CharField(
        max_length=255, blank=True, db_index=True, help_text="The provider's id; for e-mail our Message-ID header"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        indexes = [
            models.Index(fields=["state", "created_at"], name="outbound_state_created"),
            models.Index(fields=["state", "next_attempt_at"], name="outbound_state_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.channel} for {self.case_id} ({self.state})"
