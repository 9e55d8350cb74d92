"""Online dispute resolution (SPEC §3): a dispute opened from a case, between the claimant (the customer)
and the respondent (the business, or a marketplace's shop)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.accounts.models import User
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


class Role(models.TextChoices):
    """The side someone takes in a dispute; staff of an administrator who is neither see as the neutral does."""

    CLAIMANT = "claimant", _("Claimant")
    RESPONDENT = "respondent", _("Respondent")
    NEUTRAL = "neutral", _("Neutral")
    SYSTEM = "system", _("System")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Both parties and the neutral")
    CAUCUS_CLAIMANT = "caucus_claimant", _("The claimant and the neutral only")
    CAUCUS_RESPONDENT = "caucus_respondent", _("The respondent and the neutral only")
    NEUTRAL_ONLY = "neutral_only", _("The neutral only")


class Dispute(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="disputes")
    claimant = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="disputes")
    shop = models.ForeignKey(Shop, null=True, blank=True, on_delete=models.PROTECT, related_name="disputes")
    state = models.CharField(max_length=20, choices=DisputeState.choices, default=DisputeState.FILING)
    created_at = models.DateTimeField(default=timezone.now)
    order_number = models.CharField(max_length=64, blank=True)
    issues = models.JSONField(default=list, help_text="What is disputed, one line each")
    desired_outcome = models.CharField(max_length=32, default="refund")  # a remedy key of the pack's obligation_days
    desired_amount = models.PositiveBigIntegerField(null=True, blank=True)  # KRW
    pack_code = models.CharField(max_length=8, default="KR")
    pack_version = models.CharField(max_length=32, default="KR-2026.1")
    state_since = models.DateTimeField(default=timezone.now)
    deadline_at = models.DateTimeField(null=True, blank=True, db_index=True)  # None once terminal
    escalated = models.BooleanField(default=False)  # this state's deadline passed once; a grace period runs
    extended = models.BooleanField(default=False)  # mediation's +30 days, by agreement of both
    mediation_asked_by = models.JSONField(default=list)  # roles
    pledged = models.BooleanField(default=False)  # the respondent had a pledge at filing (R-ODR-13)
    neutral = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=40, blank=True)  # the reason code of the last move

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        permissions = [
            ("respond_dispute", _("Can answer disputes for the business")),
            ("open_dispute", _("Can open disputes from a case")),
        ]

    def __str__(self) -> str:
        return f"dispute {self.pk} on case {self.case_id}"


class MerchantMember(models.Model):
    """A marketplace merchant's user, bound to one shop: they see only disputes naming it (R-ODR-2)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="merchant_memberships")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="merchant_members")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "shop"], name="odr_merchant_member_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} at shop {self.shop_id}"


class MerchantPledge(models.Model):
    """A merchant's promise to take part: silence then counts as acceptance (R-ODR-13). No shop: the business."""

    shop = models.OneToOneField(Shop, null=True, blank=True, on_delete=models.CASCADE, related_name="odr_pledge")
    pledged_at = models.DateTimeField(default=timezone.now)
    text = models.TextField()

    def __str__(self) -> str:
        return f"pledge of shop {self.shop_id or '(business)'}"


class DisputeEvent(models.Model):
    """A dispute's timeline. Each row is also an entry of the dispute's hash-chained audit stream
    (``audit_hash``), so editing an event's content breaks the chain there."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    actor = models.CharField(max_length=64)
    role = models.CharField(max_length=12, choices=Role.choices)
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    audit_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} on dispute {self.dispute_id}"


class Item(models.Model):
    """A message or a piece of evidence. Visible per its class; each opens a comment window for the other side."""

    MESSAGE, EVIDENCE = "message", "evidence"
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=10, default=MESSAGE)
    author_role = models.CharField(max_length=12, choices=Role.choices)
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)
    body = models.TextField(blank=True)
    file = models.FileField(upload_to="odr/%Y/%m/", max_length=200, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    comment_due_at = models.DateTimeField(null=True, blank=True)  # the other side's window, public items only
    late = models.BooleanField(default=False)  # sent after the window it answers had closed
    answers = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} on dispute {self.dispute_id}"


class NoticeState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Notice(models.Model):
    """A notification to one side of a dispute and its delivery receipt. A decision needs both sides' notice
    of what it decides on delivered (R-ODR-11)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="notices")
    event = models.ForeignKey(DisputeEvent, on_delete=models.CASCADE, related_name="notices")
    role = models.CharField(max_length=12, choices=Role.choices)
    recipient = models.CharField(max_length=255)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    state = models.CharField(max_length=10, choices=NoticeState.choices, default=NoticeState.QUEUED)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"notice {self.pk} to {self.role} ({self.state})"


class Offer(models.Model):
    """A structured offer (R-ODR-4): a remedy, an amount and the date to perform it."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="offers")
    by_role = models.CharField(max_length=12, choices=Role.choices)
    remedy = models.CharField(max_length=32)
    amount = models.PositiveBigIntegerField()
    perform_by = models.DateField()
    status = models.CharField(max_length=10, default="open")  # open, accepted, declined, withdrawn
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"offer {self.pk} by {self.by_role}"


class BiddingRound(models.Model):
    """One blind-bidding round: commitments until ``commit_due_at``, reveals until ``reveal_due_at``."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    rule = models.CharField(max_length=10)
    p = models.CharField(max_length=16)
    a = models.PositiveBigIntegerField()
    commit_due_at = models.DateTimeField()
    reveal_due_at = models.DateTimeField()
    state = models.CharField(max_length=10, default="rules")  # rules, commit, reveal, settled, failed, void
    amount = models.CharField(max_length=32, blank=True)  # exact p/q, only when settled
    rule_accepted_by = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dispute", "number"], name="odr_round_unique")]

    def __str__(self) -> str:
        return f"round {self.number} of dispute {self.dispute_id}"


class Bid(models.Model):
    round = models.ForeignKey(BiddingRound, on_delete=models.CASCADE, related_name="bids")
    role = models.CharField(max_length=12, choices=Role.choices)
    commitment = models.CharField(max_length=64)
    server_sealed = models.BooleanField(default=False)  # weaker: the server saw the amount at commit time
    amount = models.PositiveBigIntegerField(null=True, blank=True)  # only after a matching reveal
    nonce_hex = models.CharField(max_length=64, blank=True)
    sealed_amount = models.PositiveBigIntegerField(null=True, blank=True)  # server-sealed bids only
    revealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "role"], name="odr_bid_unique")]

    def __str__(self) -> str:
        return f"{self.role} bid in round {self.round_id}"


class Obligation(models.Model):
    """What a settlement or decision makes someone do, by when; unmet past due, it escalates."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="obligations")
    obligor_role = models.CharField(max_length=12, choices=Role.choices)
    remedy = models.CharField(max_length=32)
    amount = models.PositiveBigIntegerField(null=True, blank=True)
    due_at = models.DateTimeField()
    met_at = models.DateTimeField(null=True, blank=True)
    evidence = models.TextField(blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.remedy} by {self.obligor_role}"


class Consent(models.Model):
    """Consent to arbitration, given after the dispute arose, to the exact text shown (its SHA-256)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="consents")
    role = models.CharField(max_length=12, choices=Role.choices)
    form = models.CharField(max_length=12)  # conventional, final_offer
    text_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.role} consent to {self.form}"


class Decision(models.Model):
    """A recommendation or an award: reasons, rule and algorithm versions, the evidence it rests on."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=16)  # recommendation, award
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reasons = models.TextField()
    remedy = models.CharField(max_length=32)
    amount = models.PositiveBigIntegerField(null=True, blank=True)
    rule_version = models.CharField(max_length=32)
    algorithm_version = models.CharField(max_length=32, blank=True)
    evidence_ids = models.JSONField(default=list)
    answers = models.JSONField(default=dict)  # role → accept | reject (recommendations)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} on dispute {self.dispute_id}"


class SuggestionInput(models.Model):
    """One side's private input to a suggestion (SPEC §3.4 D, E): its Adjusted Winner points or its Nash
    disagreement value. Never shown to the other side; once both sides have entered theirs it is frozen, so
    the suggestion recorded in the timeline replays from these rows."""

    POINTS, DISAGREEMENT = "points", "disagreement"
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="suggestion_inputs")
    role = models.CharField(max_length=12, choices=Role.choices)
    kind = models.CharField(max_length=12)  # points, disagreement
    points = models.JSONField(default=dict)  # issue name → points (0..100, summing to 100)
    value = models.BigIntegerField(null=True, blank=True)  # KRW, the disagreement value
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dispute", "role", "kind"], name="odr_suggestion_input_unique")]

    def __str__(self) -> str:
        return f"{self.role} {self.kind} on dispute {self.dispute_id}"
