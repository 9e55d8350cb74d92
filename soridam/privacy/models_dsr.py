"""Retention, destruction and data-subject requests (R-SEC-7, R-SEC-8, R-SEC-12).

Imported at the end of ``privacy/models.py`` so Django finds these models in the privacy app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.cases.models import Case
from soridam.customers.models import Customer


class RetentionClass(models.TextChoices):
    """The retention classes of SPEC §5.4; periods in ``settings.SORIDAM_RETENTION_MONTHS``."""

    COMPLAINT = "complaint", _("Consumer complaint and dispute handling")
    CONTRACT = "contract", _("Contract, withdrawal and supply")
    PAYMENT = "payment", _("Payment")
    ADVERTISING = "advertising", _("Advertising")
    ACCESS_LOG = "access_log", _("Access log")
    PERMISSIONS = "permissions", _("Permission history")
    SERVICE = "service", _("Service data (no statutory period)")


class LegalHold(models.Model):
    """While a hold is active, nothing of its customer or case is purged or erased."""

    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField()
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer__isnull=False) | models.Q(case__isnull=False), name="legalhold_has_target"
            )
        ]

    def __str__(self) -> str:
        return f"hold {self.pk} on customer {self.customer_id} case {self.case_id}"


class RetainedRecord(models.Model):
    """The restricted store: a statutory record copied here when its case closes (or erasure is asked), kept
    until ``keep_until``, readable by the privacy officer only. Plain ids, not foreign keys: the copy outlives
    the live rows it was taken from."""

    retention = models.CharField(max_length=16, choices=RetentionClass.choices)
    model = models.CharField(max_length=64)
    object_id = models.BigIntegerField()
    customer_id = models.BigIntegerField(null=True, db_index=True)
    case_id = models.BigIntegerField(null=True, db_index=True)
    data = models.JSONField()
    retained_at = models.DateTimeField(default=timezone.now)
    keep_until = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("retained record")
        verbose_name_plural = _("retained records (restricted store)")
        constraints = [models.UniqueConstraint(fields=["model", "object_id"], name="retained_once")]
        permissions = [("privacy_officer", "Is a privacy officer: reads the restricted store, handles requests")]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id} until {self.keep_until:%Y-%m-%d}"


class DestructionTrigger(models.TextChoices):
    PURGE = "purge", _("Retention period ended")
    ERASURE = "erasure", _("Erasure request")


class DestructionLog(models.Model):
    """파기 대장: one line per class and model destroyed in one run. Ids are hashed, never listed plain."""

    destroyed_at = models.DateTimeField(default=timezone.now, db_index=True)
    retention = models.CharField(max_length=16, choices=RetentionClass.choices)
    model = models.CharField(max_length=64)
    store = models.CharField(max_length=16, help_text="live rows, or the restricted store")
    count = models.PositiveIntegerField()
    hashed_ids = models.JSONField(default=list)
    trigger = models.CharField(max_length=16, choices=DestructionTrigger.choices)
    rule = models.CharField(max_length=200, help_text="the retention rule or the request that destroyed them")
    method = models.CharField(max_length=32, help_text="deleted, or fields overwritten")

    class Meta:
        verbose_name = _("destruction log entry")
        verbose_name_plural = _("destruction log (파기 대장)")
        ordering = ["-destroyed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.destroyed_at:%Y-%m-%d} {self.model} ×{self.count} ({self.trigger})"


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access and export")
    ERASURE = "erasure", _("Erasure")
    CORRECTION = "correction", _("Correction")
    SUSPENSION = "suspension", _("Suspension of processing")


class RequestState(models.TextChoices):
    AWAITING_CODE = "awaiting_code", _("Waiting for the contact check")
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")


class SubjectRequest(models.Model):
    """A data-subject request and its 10-business-day clock (R-SEC-8)."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=16, choices=RequestKind.choices)
    state = models.CharField(max_length=16, choices=RequestState.choices, default=RequestState.OPEN)
    details = models.TextField(blank=True, help_text="what the person asked for (a correction: what is wrong)")
    via = models.CharField(max_length=16, help_text="tracking page, staff or admin")
    received_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.JSONField(default=dict, blank=True, help_text="erasure: what was erased and what was kept")
    overdue_alerted_at = models.DateTimeField(null=True, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_overdue(self) -> bool:
        return self.state == RequestState.OPEN and self.due_at is not None and self.due_at <= timezone.now()


class PrivacyProfile(models.Model):
    """What limits the processing of one customer's data: a suspension they asked for (R-SEC-8) and, under
    14, the guardian's consent (R-SEC-12). No row means no limit."""

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="privacy")
    processing_suspended_at = models.DateTimeField(null=True, blank=True)
    under_14 = models.BooleanField(default=False)
    guardian_consent_at = models.DateTimeField(null=True, blank=True)
    guardian_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    guardian_consent_how = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("privacy profile")
        verbose_name_plural = _("privacy profiles")

    def __str__(self) -> str:
        return f"privacy of customer {self.customer_id}"

    @property
    def needs_guardian_consent(self) -> bool:
        return self.under_14 and self.guardian_consent_at is None

    @property
    def limited(self) -> bool:
        return self.processing_suspended_at is not None or self.needs_guardian_consent


def processing_limited(customer_id: int | None) -> bool:
    """True when only what a reply needs may be sent to this customer: no surveys, no optional messages,
    no marketing (a suspension, or an under-14 customer without a guardian's consent)."""
    if customer_id is None:
        return False
    profile = PrivacyProfile.objects.filter(customer_id=customer_id).first()
    return profile is not None and profile.limited
