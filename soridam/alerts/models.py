"""Notifications for agents in the workspace (the bell), and each agent's digest choice.

Customer-facing messages are ``notifications``; these are for staff only. ``alerts.fanout`` writes the rows,
inside the transaction of the case change that caused them (``cases.actions`` calls it).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.accounts.models import User
from soridam.cases.models import Case


class AlertKind(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned to you")
    CUSTOMER_REPLIED = "customer_replied", _("The customer replied")
    REOPENED = "reopened", _("Case reopened")
    SLA_AT_RISK = "sla_at_risk", _("SLA at risk")
    MENTIONED = "mentioned", _("Mentioned in a note")
    TASK_OVERDUE = "task_overdue", _("Investigation task overdue")
    DELIVERY_FAILED = "delivery_failed", _("A message to the customer was not delivered")
    APPROVAL_OVERDUE = "approval_overdue", _("A remedy waits too long for approval")
    SPIKE = "spike", _("Complaint spike")
    PROBLEM_RECURRED = "problem_recurred", _("A resolved problem came back")
    NEUTRAL_OUTLIER = "neutral_outlier", _("A mediator's outcomes stand out")
    AUDIT_BROKEN = "audit_broken", _("The audit log failed verification")
    DISPUTE_OVERDUE = "dispute_overdue", _("A dispute's deadline or obligation passed unmet")


class Alert(models.Model):
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    # Empty only for alerts about no case (the audit log failing verification: ``for_admins``).
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The SLA target (first_response, …) for sla_at_risk; empty otherwise.
    detail = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("agent notification")
        verbose_name_plural = _("agent notifications")
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="alert_inbox")]
        constraints = [
            # An SLA target warns its assignee once, however many rules fire for it or scheduler ticks pass.
            models.UniqueConstraint(
                fields=["recipient", "case", "detail"],
                condition=Q(kind="sla_at_risk"),
                name="alert_sla_once_per_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.case_id} → {self.recipient_id}"


class AlertSettings(models.Model):
    """One agent's choices; an agent without a row has the defaults (no e-mail digest)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="alert_settings")
    email_digest = models.BooleanField(
        _("e-mail me a digest of unread notifications"),
        default=False,
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"{self.user_id}: digest {'on' if self.email_digest else 'off'}"
