"""Root cause (seed 001, R-RCA): problem records behind many cases, cause codes, spikes and recurrences.

A *problem* is the one defect, process gap or policy behind several complaints. Cases are linked to it (a
change to the case: ``cases.rca_actions`` writes the link with the case's timeline and audit entries); the
problem keeps its own history (``ProblemEvent``) and audit stream. A *spike* is a day on which a category's
or a product's complaints jumped (``rca.spikes``); it proposes a problem. A *match* is a new case the search
engine found similar to a problem's cases: a suggestion to link, and a recurrence when it came within
``SORIDAM_RCA_RECURRENCE_DAYS`` after the problem's resolution.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.accounts.models import User
from soridam.cases.models import Case
from soridam.customers.models import Customer


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    INVESTIGATING = "investigating", _("Investigating")
    FIXING = "fixing", _("Fixing")
    RESOLVED = "resolved", _("Resolved")
    VERIFIED = "verified", _("Verified")


# Where a problem may go from each status. Back to investigating is always possible before verification (a
# hypothesis that did not hold, a fix that did not work); a verified problem reopens only through recurrence
# or a person moving it back to investigating.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ProblemStatus.OPEN: (ProblemStatus.INVESTIGATING, ProblemStatus.FIXING),
    ProblemStatus.INVESTIGATING: (ProblemStatus.FIXING, ProblemStatus.RESOLVED),
    ProblemStatus.FIXING: (ProblemStatus.INVESTIGATING, ProblemStatus.RESOLVED),
    ProblemStatus.RESOLVED: (ProblemStatus.INVESTIGATING, ProblemStatus.VERIFIED),
    ProblemStatus.VERIFIED: (ProblemStatus.INVESTIGATING,),
}
SETTLED_STATUSES = (ProblemStatus.RESOLVED, ProblemStatus.VERIFIED)


def may_move(before: str, after: str) -> bool:
    return after in TRANSITIONS.get(before, ())


class CauseCode(models.TextChoices):
    """Why a closed complaint happened (R-RCA-2)."""

    PRODUCT_DEFECT = "product_defect", _("Product defect")
    LOGISTICS = "logistics", _("Logistics")
    PROCESS = "process", _("Process")
    PEOPLE = "people", _("People")
    POLICY = "policy", _("Policy")
    COMMUNICATION = "communication", _("Communication")
    MISUNDERSTANDING = "misunderstanding", _("Customer misunderstanding")


class Problem(models.Model):
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    skus = models.JSONField(_("SKUs"), default=list, blank=True)
    hypothesis = models.TextField(_("hypothesis"), blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    corrective_action = models.TextField(_("corrective action"), blank=True)
    # The words a similar new case contains (the case search asks for all of them); empty: no suggestions.
    match_terms = models.CharField(_("words of a similar case"), max_length=200, blank=True)
    owner = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_problems")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    fix_announced_at = models.DateTimeField(null=True, blank=True)
    cases: models.ManyToManyField[Case, ProblemCase] = models.ManyToManyField(
        Case, through="ProblemCase", related_name="problems"
    )

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        indexes = [models.Index(fields=["status", "-updated_at"], name="problem_status_updated")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_settled(self) -> bool:
        return self.status in SETTLED_STATUSES

    def allowed_statuses(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.status, ())


class ProblemCase(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="links")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="problem_links")
    linked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["problem", "case"], name="problem_case_unique")]

    def __str__(self) -> str:
        return f"{self.problem_id} ← {self.case_id}"


class ProblemEventKind(models.TextChoices):
    CREATED = "created", _("Problem recorded")
    STATUS = "status", _("Status")
    EDITED = "edited", _("Details edited")
    LINKED = "linked", _("Case linked")
    UNLINKED = "unlinked", _("Case unlinked")
    RECURRED = "recurred", _("Recurred")
    FIX_ANNOUNCED = "fix_announced", _("Customers told of the fix")


class ProblemEvent(models.Model):
    """One line of a problem's history, as people read it; the audit stream keeps the tamper-evident copy."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=ProblemEventKind.choices)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=120)
    before = models.CharField(max_length=64, blank=True)
    after = models.CharField(max_length=64, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.problem_id} {self.kind}"


class CaseCause(models.Model):
    """The cause code of a case, kept beside the case (one row per case) rather than as a column of it."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="cause")
    code = models.CharField(_("cause"), max_length=20, choices=CauseCode.choices)
    set_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("cause code")
        verbose_name_plural = _("cause codes")
        indexes = [models.Index(fields=["code", "set_at"], name="case_cause_code")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.code}"


class SpikeDimension(models.TextChoices):
    CATEGORY = "category", _("Category")
    PRODUCT = "product", _("Product (SKU)")


class Spike(models.Model):
    """A day on which one category's or product's complaints jumped; fired once per (dimension, key, day)."""

    dimension = models.CharField(max_length=10, choices=SpikeDimension.choices)
    key = models.CharField(max_length=64)  # the category slug or the SKU
    label = models.CharField(max_length=120)
    day = models.DateField()
    count = models.PositiveIntegerField()
    baseline = models.FloatField()
    z_score = models.FloatField()
    case_ids = models.JSONField(default=list)  # that day's cases of the key, newest first (capped)
    problem = models.ForeignKey(Problem, null=True, blank=True, on_delete=models.SET_NULL, related_name="spikes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("complaint spike")
        verbose_name_plural = _("complaint spikes")
        constraints = [models.UniqueConstraint(fields=["dimension", "key", "day"], name="spike_once_per_day")]

    def __str__(self) -> str:
        return f"{self.label} {self.day}: {self.count}"


class MatchState(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    LINKED = "linked", _("Linked")
    DISMISSED = "dismissed", _("Dismissed")


class ProblemMatch(models.Model):
    """A new case similar to a problem's cases: suggested for linking, and a recurrence when it came within
    the window after the problem's resolution."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="matches")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="problem_matches")
    state = models.CharField(max_length=10, choices=MatchState.choices, default=MatchState.SUGGESTED)
    is_recurrence = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["problem", "case"], name="problem_match_unique")]

    def __str__(self) -> str:
        return f"{self.problem_id} ~ {self.case_id}"


class FixNotice(models.Model):
    """A customer was told that the fix of a problem shipped: once per (problem, customer)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="fix_notices")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["problem", "customer"], name="fix_notice_once_per_customer")]

    def __str__(self) -> str:
        return f"{self.problem_id} → {self.customer_id}"


class ScanMark(models.Model):
    """How far a periodic scan has read (the last case id the recurrence scan looked at)."""

    name = models.CharField(max_length=40, unique=True)
    last_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_id}"
