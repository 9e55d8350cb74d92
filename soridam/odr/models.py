"""Online dispute resolution (SPEC §3): a dispute opened from a case, between the claimant (the customer)
and the respondent (the business, or a marketplace's shop)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.cases.models import Case
from soridam.customers.models import Customer
from soridam.orders.models import Shop


class DisputeState(models.TextChoices):
    FILING = "filing", _("Filed")
    ANSWER = "answer", _("Awaiting the answer")
    NEGOTIATION = "negotiation", _("Negotiation")
    MEDIATION = "mediation", _("Mediation")
    RECOMMENDATION = "recommendation", _("Recommendation")
    ARBITRATION = "arbitration", _("Arbitration")
    COMPLIANCE = "compliance", _("Carrying out the outcome")
    SETTLED = "settled", _("Settled")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REFERRED = "referred", _("Referred to a statutory body")
    CLOSED = "closed", _("Closed")


class Dispute(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="disputes")
    claimant = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="disputes")
    shop = models.ForeignKey(Shop, null=True, blank=True, on_delete=models.PROTECT, related_name="disputes")
    state = models.CharField(max_length=20, choices=DisputeState.choices, default=DisputeState.FILING)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")

    def __str__(self) -> str:
        return f"dispute {self.pk} on case {self.case_id}"
