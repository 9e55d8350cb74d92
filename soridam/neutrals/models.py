"""Mediators (neutrals) for online dispute resolution (SPEC §3.3 R-ODR-7..9): the roster, the declared ties
that feed the conflict graph, each random draw with its seed, the neutral's disclosure, the parties'
objections and the log of every step.

A fee is flat per case or per hour, never a share of a settlement or a bonus on an outcome: the model has
no field an outcome could enter, the check constraint refuses any other basis, and ``fees.fee_krw`` takes
no outcome.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.accounts.models import User
from soridam.customers.models import Customer
from soridam.odr.models import Dispute
from soridam.orders.models import Shop


class FeeBasis(models.TextChoices):
    FLAT_PER_CASE = "flat_per_case", _("Flat fee per case")
    PER_HOUR = "per_hour", _("Per hour")


class Neutral(models.Model):
    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="neutral")
    languages = models.JSONField(_("languages"), default=list, blank=True, help_text=_("Language codes, e.g. ko, en"))
    specialties = models.JSONField(_("specialties"), default=list, blank=True)
    active = models.BooleanField(_("on the roster"), default=True)
    unavailable_until = models.DateField(_("away until"), null=True, blank=True)
    max_open_cases = models.PositiveSmallIntegerField(_("at most this many open mediations"), default=5)
    fee_basis = models.CharField(_("fee basis"), max_length=16, choices=FeeBasis.choices)
    fee_krw = models.PositiveIntegerField(_("fee (KRW)"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("neutral")
        verbose_name_plural = _("neutrals")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fee_basis__in=[FeeBasis.FLAT_PER_CASE, FeeBasis.PER_HOUR]) & Q(fee_krw__gt=0),
                name="neutral_fee_never_outcome_dependent",
            )
        ]

    def __str__(self) -> str:
        return self.user.label()

    def clean(self) -> None:
        if self.fee_basis not in FeeBasis.values:
            raise ValidationError(
                {"fee_basis": _("A neutral's fee is flat per case or per hour; it never depends on the outcome.")}
            )
        if not self.fee_krw or self.fee_krw <= 0:
            raise ValidationError({"fee_krw": _("Give the fee in KRW.")})


class TieKind(models.TextChoices):
    EMPLOYMENT = "employment", _("Employment")
    FAMILY = "family", _("Family")
    FINANCIAL = "financial", _("Financial")
    TRANSACTION = "transaction", _("Transaction")
    OTHER = "other", _("Other")


class Tie(models.Model):
    """A declared tie between a neutral and a customer, a shop, a user or the business itself (exactly one)."""

    neutral = models.ForeignKey(Neutral, on_delete=models.CASCADE, related_name="ties")
    kind = models.CharField(max_length=16, choices=TieKind.choices)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    shop = models.ForeignKey(Shop, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    business = models.BooleanField(_("with the business itself"), default=False)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tie")
        verbose_name_plural = _("ties")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(customer__isnull=False, shop__isnull=True, user__isnull=True, business=False)
                    | Q(customer__isnull=True, shop__isnull=False, user__isnull=True, business=False)
                    | Q(customer__isnull=True, shop__isnull=True, user__isnull=False, business=False)
                    | Q(customer__isnull=True, shop__isnull=True, user__isnull=True, business=True)
                ),
                name="tie_has_exactly_one_other_side",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} tie of neutral {self.neutral_id}"


class DrawState(models.TextChoices):
    AWAITING_DISCLOSURE = "awaiting_disclosure", _("Awaiting the neutral's disclosure")
    OBJECTION_WINDOW = "objection_window", _("Parties told; objection window open")
    OBJECTED = "objected", _("Objected; awaiting an administrator")
    APPOINTED = "appointed", _("Appointed")
    RECUSED = "recused", _("Recused (conflict found)")
    REMOVED = "removed", _("Removed (objection upheld)")
    NONE_ELIGIBLE = "none_eligible", _("No eligible neutral")


OPEN_DRAW_STATES = [DrawState.AWAITING_DISCLOSURE, DrawState.OBJECTION_WINDOW, DrawState.OBJECTED]


class Draw(models.Model):
    """One random draw for a dispute. ``seed`` and the sorted ``eligible_ids`` replay it exactly."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="neutral_draws")
    number = models.PositiveSmallIntegerField()
    seed = models.CharField(max_length=64)
    eligible_ids = models.JSONField(default=list)
    excluded_ids = models.JSONField(default=list)  # removed after an upheld objection or a recusal
    neutral = models.ForeignKey(Neutral, null=True, blank=True, on_delete=models.PROTECT, related_name="draws")
    state = models.CharField(max_length=20, choices=DrawState.choices)
    drawn_at = models.DateTimeField(default=timezone.now)
    drawn_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    disclosure = models.TextField(blank=True)
    disclosed_at = models.DateTimeField(null=True, blank=True)
    objection_deadline = models.DateTimeField(null=True, blank=True)
    appointed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("neutral draw")
        verbose_name_plural = _("neutral draws")
        ordering = ["dispute", "number"]
        constraints = [
            models.UniqueConstraint(fields=["dispute", "number"], name="draw_number_per_dispute"),
            models.UniqueConstraint(
                fields=["dispute"], condition=Q(state__in=OPEN_DRAW_STATES), name="draw_one_open_per_dispute"
            ),
            models.UniqueConstraint(
                fields=["dispute"], condition=Q(state=DrawState.APPOINTED), name="draw_one_appointed_per_dispute"
            ),
        ]

    def __str__(self) -> str:
        return f"draw {self.number} of dispute {self.dispute_id}"


class Party(models.TextChoices):
    CLAIMANT = "claimant", _("Claimant")
    RESPONDENT = "respondent", _("Respondent")


class Decision(models.TextChoices):
    PENDING = "pending", _("Awaiting an administrator")
    UPHELD = "upheld", _("Upheld: the neutral is replaced")
    DISMISSED = "dismissed", _("Dismissed: the neutral is appointed")


class Objection(models.Model):
    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="objections")
    party = models.CharField(max_length=12, choices=Party.choices)
    reason = models.TextField()
    filed_at = models.DateTimeField(default=timezone.now)
    filed_by = models.CharField(max_length=40)  # the actor label (user:…, customer:…)
    decision = models.CharField(max_length=12, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("objection to a neutral")
        verbose_name_plural = _("objections to neutrals")
        constraints = [models.UniqueConstraint(fields=["draw", "party"], name="objection_once_per_party")]

    def __str__(self) -> str:
        return f"{self.party} objection to draw {self.draw_id}"


class NeutralEventKind(models.TextChoices):
    DRAWN = "drawn", _("Neutral drawn")
    NONE_ELIGIBLE = "none_eligible", _("No eligible neutral")
    DISCLOSED = "disclosed", _("Disclosure filed")
    PARTIES_TOLD = "parties_told", _("Parties told; objection window opened")
    OBJECTED = "objected", _("Objection filed")
    OBJECTION_UPHELD = "objection_upheld", _("Objection upheld")
    OBJECTION_DISMISSED = "objection_dismissed", _("Objection dismissed")
    RECUSED = "recused", _("Neutral recused for a conflict")
    APPOINTED = "appointed", _("Neutral appointed")


class NeutralEvent(models.Model):
    """The log of the neutral's selection for a dispute; also written to the dispute's audit stream."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="neutral_events")
    draw = models.ForeignKey(Draw, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=NeutralEventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.CharField(max_length=40)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("neutral selection event")
        verbose_name_plural = _("neutral selection events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["dispute", "at", "id"], name="neutral_event_dispute")]

    def __str__(self) -> str:
        return f"{self.kind} on dispute {self.dispute_id}"


class OutlierMeasure(models.TextChoices):
    SETTLEMENT_RATE = "settlement_rate", _("Settlement rate")
    CLAIMANT_FAVOURED_RATE = "claimant_favoured", _("Settlements in the claimant's favour")


class Outlier(models.Model):
    """A neutral found far from the roster on one measure; stored once per (neutral, measure, day)."""

    neutral = models.ForeignKey(Neutral, on_delete=models.CASCADE, related_name="outliers")
    measure = models.CharField(max_length=20, choices=OutlierMeasure.choices)
    day = models.DateField()
    value = models.FloatField()
    roster_mean = models.FloatField()
    roster_sd = models.FloatField()
    cases = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("neutral outcome outlier")
        verbose_name_plural = _("neutral outcome outliers")
        constraints = [
            models.UniqueConstraint(fields=["neutral", "measure", "day"], name="outlier_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} outlier: neutral {self.neutral_id} on {self.day}"
