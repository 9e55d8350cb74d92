"""The outbox: one row per message to a customer, on whichever channel, with its delivery state."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.cases.models import Case, Message
from soridam.channels.kinds import Channel
from soridam.channels.models import ChannelAccount
from soridam.lib.process_copy import ChangeCount, CountedChanges


class NotificationKind(models.TextChoices):
    """What we tell the customer. Each kind has a template ``notifications/email/<kind>.txt``."""

    CASE_OPENED = "case_opened", _("Case opened")
    STAGE_CHANGED = "stage_changed", _("Stage changed")
    AGENT_REPLY = "agent_reply", _("Agent reply")
    SURVEY_REQUEST = "survey_request", _("Survey request")
    CASE_SOLVED = "case_solved", _("Case solved")
    REMEDY_EXECUTED = "remedy_executed", _("Remedy carried out")
    FIX_SHIPPED = "fix_shipped", _("The fix behind the case shipped")
    CHECK_IN = "check_in", _("Check-in: solved?")
    NPS_REQUEST = "nps_request", _("NPS request")
    # The one-time code that proves a data-subject request comes from the customer (privacy.dsr); its
    # subject and body are written when it is queued, not rendered from a template.
    PRIVACY_CODE = "privacy_code", _("Privacy request code")


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    FAILED = "failed", _("Failed")
    # The worker stopped between handing the message to the provider and recording the answer: it may have
    # arrived. Never sent again by itself, so that the customer cannot get it twice (``delivery``).
    IN_DOUBT = "in_doubt", _("In doubt")


class OutboundMessage(models.Model):
    """A message to a customer and its delivery. ``attempts`` counts claims: a worker killed mid-send
    has used one. ``lease_until`` is set while a worker holds the row (state ``sending``).
    ``send_started_at``: when the claimed attempt handed the message to the provider; a lapsed lease with it
    set means the send may have happened (``delivery``: the row is in doubt, not claimed again)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="outbound_messages")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    account = models.ForeignKey(ChannelAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recipient = models.CharField(max_length=255, help_text="The customer's address or id on the channel")
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    send_started_at = models.DateTimeField(null=True, blank=True)
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
            models.Index(fields=["recipient", "sent_at"], name="outbound_recipient_sent"),  # the throttle
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.channel} for {self.case_id} ({self.state})"


class CustomerEvent(models.TextChoices):
    """What can happen to a case that the customer may be told about: one policy rule each.

    A stage change is named by the stage entered. "Resolution proposed" is entering *고객 통보*
    (notification): the seed article's stage 5, "once the solution is ready, the customer is told"; the
    resolution stage before it (해결책 마련) is the team working the remedy out.
    """

    CASE_OPENED = "case_opened", _("Acknowledgement of a new case")
    AGENT_REPLY = "agent_reply", _("Agent reply")
    STAGE_INTAKE = "stage_intake", _("Stage: back to intake")
    STAGE_CLASSIFICATION = "stage_classification", _("Stage: classification")
    STAGE_INVESTIGATION = "stage_investigation", _("Stage: investigation")
    STAGE_RESOLUTION = "stage_resolution", _("Stage: working on a resolution")
    STAGE_NOTIFICATION = "stage_notification", _("Stage: resolution proposed")
    STAGE_FOLLOW_UP = "stage_follow_up", _("Stage: follow-up")
    CASE_SOLVED = "case_solved", _("Case solved")
    SURVEY_REQUEST = "survey_request", _("Satisfaction survey")
    REMEDY_EXECUTED = "remedy_executed", _("Remedy carried out (refund, exchange, voucher)")
    FIX_SHIPPED = "fix_shipped", _("The fix of a problem behind the case shipped")
    CHECK_IN = "check_in", _("Check-in a few business days after the resolution: solved?")
    NPS_REQUEST = "nps_request", _("NPS question (at most once per customer in 90 days)")


# Saves and deletes of notification rules in this process: ``notifications.policy`` then reads them again.
rule_changes = ChangeCount()


class NotificationRule(CountedChanges):
    """Whether the customer hears of one kind of event, and how long such a message waits to be
    combined with the case's later changes (the customer gets one message with the latest state)."""

    changes = rule_changes

    event = models.CharField(_("event"), max_length=32, choices=CustomerEvent.choices, unique=True)
    send = models.BooleanField(_("tell the customer"), default=True)
    coalesce_minutes = models.PositiveSmallIntegerField(
        _("combine changes within (minutes)"),
        default=0,
        help_text=_(
            "Stage, solved and survey messages wait this long; later changes of the case in that time go "
            "out in the same message. 0 sends at once. Acknowledgements and replies are never held."
        ),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("customer notification rule")
        verbose_name_plural = _("customer notification policy")

    def __str__(self) -> str:
        return str(self.get_event_display())
