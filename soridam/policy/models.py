"""Remedies offered to customers, the versioned rules that allow them, and who may grant how much (R-POLICY-1..8).

A ``RuleSet`` is one version of the rules: drafted, activated (one at a time; never if a rule undercuts a
statutory minimum, ``statutory``) and retired. Its ``Rule`` rows map conditions to allowed remedy kinds with a
cap (``RuleAllowance``). ``evaluation`` reads them as plain values; ``cases.remedy_actions`` writes ``Remedy``
rows and ``policy.execution`` carries them out through the shop's order connector.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.cases.models import Case
from soridam.customers.models import Customer, Tier
from soridam.lib.process_copy import ChangeCount, CountedChanges
from soridam.orders.models import Order

if TYPE_CHECKING:
    from soridam.accounts.models import User


class RemedyKind(models.TextChoices):
    FULL_REFUND = "full_refund", _("Full refund")
    PARTIAL_REFUND = "partial_refund", _("Partial refund")
    EXCHANGE = "exchange", _("Exchange")
    REPAIR = "repair", _("Repair")
    VOUCHER = "voucher", _("Voucher")
    POINTS = "points", _("Points")
    POSTAGE_WAIVER = "postage_waiver", _("Postage waiver")
    APOLOGY = "apology", _("Apology")


# Kinds the shop's order connector carries out; the others are a ledger entry of ours.
REFUND_KINDS = frozenset({RemedyKind.FULL_REFUND, RemedyKind.PARTIAL_REFUND})
CONNECTOR_KINDS = REFUND_KINDS | {RemedyKind.EXCHANGE}


class RemedyState(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    EXECUTED = "executed", _("Carried out")
    FAILED = "failed", _("Approved, not carried out")
    REJECTED = "rejected", _("Rejected")


class ExceptionReason(models.TextChoices):
    GOODWILL = "goodwill", _("Goodwill for a loyal customer")
    REPEATED_PROBLEM = "repeated_problem", _("The same problem happened again")
    OUR_MISTAKE = "our_mistake", _("Our mistake (wrong item, wrong address)")
    CARRIER_FAULT = "carrier_fault", _("Carrier damage or loss")
    SAFETY = "safety", _("Safety or health concern")
    OTHER = "other", _("Other (explain)")


# Saves and deletes of rule sets, rules, allowances and authority limits in this process: ``policy.proposals``
# then reads them again (it reads these models, so they cannot call it).
policy_changes = ChangeCount()


class _PolicyConfigModel(CountedChanges):
    """Saving or deleting policy configuration drops this process's copy (see policy/proposals.py)."""

    changes = policy_changes

    class Meta:
        abstract = True


class RuleSetState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class RuleSet(_PolicyConfigModel):
    """One version of the rules. Rules of an active or retired set are history: change a new draft instead."""

    version = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=120)
    state = models.CharField(max_length=8, choices=RuleSetState.choices, default=RuleSetState.DRAFT)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["state"], condition=models.Q(state="active"), name="policy_one_active_rule_set"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version} {self.name} ({self.get_state_display()})"


class Rule(_PolicyConfigModel):
    """Conditions (all optional; an empty one matches anything) and, through ``allowances``, what they allow."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="rules")
    # Stable across versions: matched rules, the report and agents' comments name a rule by its code.
    code = models.SlugField(max_length=60)
    title = models.CharField(max_length=200)
    category = models.SlugField(max_length=40, blank=True, help_text=_("A case category slug; empty: any."))
    min_days_since_delivery = models.PositiveIntegerField(null=True, blank=True)
    max_days_since_delivery = models.PositiveIntegerField(null=True, blank=True)
    min_order_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    max_order_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    item_pattern = models.CharField(
        max_length=100, blank=True, help_text=_("Shell pattern on an item's SKU or name, e.g. SHOE-*; empty: any.")
    )
    tier = models.CharField(max_length=16, choices=Tier.choices, blank=True)
    max_remedies_90_days = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Matches only customers with at most this many remedies in 90 days.")
    )

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "code"], name="policy_rule_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class RuleAllowance(_PolicyConfigModel):
    """A remedy kind a rule allows, up to an amount or a share of the order value (neither: no cap)."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="allowances")
    kind = models.CharField(max_length=16, choices=RemedyKind.choices)
    cap_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    cap_percent = models.PositiveIntegerField(null=True, blank=True, help_text=_("Percent of the order value."))

    class Meta:
        verbose_name = _("allowed remedy")
        verbose_name_plural = _("allowed remedies")
        constraints = [models.UniqueConstraint(fields=["rule", "kind"], name="policy_allowance_unique")]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.kind}"


class LimitGroup(models.TextChoices):
    """Authority limits are set per group of kinds: money back (and goods) or vouchers and points."""

    REFUND = "refund", _("Refunds, exchanges, repairs and postage")
    VOUCHER = "voucher", _("Vouchers and points")


class AuthorityLimit(_PolicyConfigModel):
    """How much one role may grant without approval; a role with no row uses ``limits.DEFAULT_LIMITS``."""

    role = models.CharField(max_length=16)
    group = models.CharField(max_length=8, choices=LimitGroup.choices)
    max_amount = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text=_("Empty: no limit.")
    )

    class Meta:
        verbose_name = _("authority limit")
        verbose_name_plural = _("authority limits")
        constraints = [models.UniqueConstraint(fields=["role", "group"], name="policy_limit_unique")]

    def __str__(self) -> str:
        return f"{self.role} {self.group} ≤ {self.max_amount}"


class RemedyQuerySet(models.QuerySet["Remedy"]):
    def last_executed(self) -> Remedy | None:
        """The case's most recent carried-out remedy (the customer's notification names it)."""
        return self.filter(state=RemedyState.EXECUTED).order_by("-executed_at", "-id").first()


class Remedy(models.Model):
    """A remedy offered on a case. The actions layer (``cases.remedy_actions``) is the only writer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="remedies")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="remedies")
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="remedies")
    kind = models.CharField(max_length=16, choices=RemedyKind.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    state = models.CharField(max_length=16, choices=RemedyState.choices)
    rule_set = models.ForeignKey(RuleSet, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    matched_rules = models.JSONField(default=list)
    within_rules = models.BooleanField(default=True)
    reason = models.TextField(blank=True)
    exception_reason = models.CharField(max_length=20, choices=ExceptionReason.choices, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="remedies_requested"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    approval_due_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="remedies_decided"
    )
    decision_comment = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Set while one process carries the remedy out, so two never do at once (``execution.claim``).
    execution_started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    executed_at = models.DateTimeField(null=True, blank=True)
    claim_id = models.CharField(max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=80, unique=True)

    objects = RemedyQuerySet.as_manager()

    class Meta:
        verbose_name = _("remedy")
        verbose_name_plural = _("remedies")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-requested_at"], name="remedy_customer_recent"),
            models.Index(fields=["state", "approval_due_at"], name="remedy_waiting"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} ({self.state})"

    def requested_by_user(self, user: User) -> bool:
        return self.requested_by_id == user.pk


class LedgerEntry(models.Model):
    """A remedy we carry out ourselves (a voucher, points, a postage waiver, an apology, a refund with no
    order to refund through): the record finance and the shop act on."""

    remedy = models.OneToOneField(Remedy, on_delete=models.CASCADE, related_name="ledger_entry")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=RemedyKind.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class RuleComment(models.Model):
    """An agent's comment on a rule, written from a case (R-POLICY-6): admins read them in the report."""

    rule_code = models.SlugField(max_length=60)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rule comment")
        verbose_name_plural = _("rule comments")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.rule_code}: {self.body[:40]}"
