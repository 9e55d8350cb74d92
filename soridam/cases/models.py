"""The case, its messages, attachments and timeline."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.accounts.models import Team
from soridam.audit.models import ActorKind
from soridam.cases.stages import Stage
from soridam.channels.kinds import Channel
from soridam.customers.models import Customer
from soridam.lib.bilingual import BilingualName
from soridam.lib.process_copy import ChangeCount, CountedChanges


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    WAITING = "waiting", _("Waiting on customer")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged")
    SPAM = "spam", _("Spam")


ACTIVE_STATUSES = (Status.OPEN, Status.WAITING)
FINISHED_STATUSES = (Status.SOLVED, Status.CLOSED)


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


# Saves and deletes of categories in this process: ``cases.categories`` then reads them again.
category_changes = ChangeCount()


class Category(BilingualName, CountedChanges):
    changes = category_changes

    slug = models.SlugField(max_length=40, unique=True)
    name_ko = models.CharField(max_length=80)
    name_en = models.CharField(max_length=80)
    default_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name_en


def new_tracking_token() -> str:
    return secrets.token_urlsafe(24)


TAG_LENGTH = 40


class Tag(models.Model):
    """A free label on cases (``vip``, ``파손``): agents add them in the properties panel or with a macro."""

    name = models.CharField(max_length=TAG_LENGTH, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CaseNumberCounter(models.Model):
    """Case numbers on databases without sequences (SQLite, where writers are serial anyway)."""

    name = models.CharField(max_length=32, unique=True)
    last = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.last}"


class Case(models.Model):
    reference = models.CharField(max_length=24)  # unique: Meta.constraints
    subject = models.CharField(max_length=200)
    # No single-column index on customer, team or assignee: the composite indexes below start with them.
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="cases", db_index=False)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.WEB)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.INTAKE)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases", db_index=False
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        db_index=False,
    )
    order_number = models.CharField(max_length=64, blank=True, db_index=True)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="ko")
    tracking_token = models.CharField(max_length=64, default=new_tracking_token)  # unique: Meta.constraints
    related_case = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    tags = models.ManyToManyField(Tag, blank=True, related_name="cases")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The time each stage was first entered (R-CASE stage timestamps).
    intake_at = models.DateTimeField(null=True, blank=True)
    classification_at = models.DateTimeField(null=True, blank=True)
    investigation_at = models.DateTimeField(null=True, blank=True)
    resolution_at = models.DateTimeField(null=True, blank=True)
    notification_at = models.DateTimeField(null=True, blank=True)
    follow_up_at = models.DateTimeField(null=True, blank=True)
    # The earliest running SLA target (soridam.sla); empty while no clock runs. The inbox sorts by it.
    sla_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        # Constraints rather than unique=True: on PostgreSQL unique=True adds a second (varchar_pattern_ops) index
        # for LIKE, and these are only ever looked up whole. Every index is kept up to date on each insert.
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="case_reference_unique"),
            models.UniqueConstraint(fields=["tracking_token"], name="case_tracking_token_unique"),
        ]
        indexes = [
            models.Index(fields=["status", "-updated_at", "-id"], name="case_status_updated"),
            models.Index(fields=["team", "status", "-updated_at", "-id"], name="case_team_status_updated"),
            models.Index(fields=["assignee", "status", "-updated_at", "-id"], name="case_assignee_status_updated"),
            models.Index(fields=["stage", "status", "-updated_at", "-id"], name="case_stage_status_updated"),
            models.Index(fields=["-updated_at", "-id"], name="case_updated"),
            models.Index(fields=["customer", "-created_at"], name="case_customer_created"),
            # The inbox lists open and waiting cases (a few percent of all) sorted by either date in
            # either direction. Without these, an ascending or created-date sort at 1M cases walks
            # most of the table (0.1-0.6 s); these partial indexes hold only the active cases.
            models.Index(
                fields=["updated_at", "id"], name="case_active_updated", condition=models.Q(status__in=ACTIVE_STATUSES)
            ),
            models.Index(
                fields=["created_at", "id"], name="case_active_created", condition=models.Q(status__in=ACTIVE_STATUSES)
            ),
            models.Index(
                fields=["sla_due_at", "id"], name="case_active_sla_due", condition=models.Q(sla_due_at__isnull=False)
            ),
            # The inbox's capped view counts for an agent (workspace/inbox_views.py): the team scope is an OR that
            # no other index answers, so PostgreSQL fetched every active row from the heap (12-23 ms per count at
            # 1M cases). With these three columns it reads them from this small index alone (< 1 ms).
            models.Index(
                fields=["assignee", "team", "id"],
                name="case_active_scope",
                condition=models.Q(status__in=ACTIVE_STATUSES),
            ),
            # The analytics backlog by age counts the active cases of one channel or category: without the filter
            # columns here PostgreSQL fetched each active row from the heap (0.5 s at 1M cases, load 30).
            models.Index(
                fields=["created_at"],
                include=["id", "channel", "category", "team", "assignee"],
                name="case_active_backlog",
                condition=models.Q(status__in=ACTIVE_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    def stage_entered_at(self, stage: str) -> object:
        return getattr(self, f"{stage}_at")


class MessageKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer message")
    REPLY = "reply", _("Agent reply")
    NOTE = "note", _("Internal note")
    SYSTEM = "system", _("System message")


class Message(models.Model):
    # No index of its own: message_case_created starts with the case.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages", db_index=False)
    kind = models.CharField(max_length=8, choices=MessageKind.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.WEB)
    author_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    author_customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["case", "created_at", "id"], name="message_case_created")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_internal(self) -> bool:
        return self.kind == MessageKind.NOTE

    def author_display(self) -> str:
        if self.author_user is not None:
            return self.author_user.label()
        if self.author_customer is not None:
            return self.author_customer.name
        return "Soridam"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Stored under a random name: the customer's file name is kept only as metadata.
    return f"attachments/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.filename


class EventKind(models.TextChoices):
    """What a timeline entry records; the label is what staff read on the case page."""

    CREATED = "created", _("Case opened")
    CUSTOMER_MESSAGE = "customer_message", _("Customer wrote")
    REPLY = "reply", _("Reply sent")
    NOTE = "note", _("Internal note")
    STAGE_CHANGED = "stage_changed", _("Stage")
    STATUS_CHANGED = "status_changed", _("Status")
    REOPENED = "reopened", _("Reopened")
    ASSIGNED = "assigned", _("Assignee")
    TEAM_CHANGED = "team_changed", _("Team")
    PRIORITY_CHANGED = "priority_changed", _("Priority")
    CATEGORY_CHANGED = "category_changed", _("Category")
    LANGUAGE_CHANGED = "language_changed", _("Language")
    LINKED = "linked", _("Follow-up case opened")
    SURVEY_ANSWERED = "survey_answered", _("Survey answered")
    SLA_ESCALATED = "sla_escalated", _("SLA escalation")
    TASK_OPENED = "task_opened", _("Investigation task opened")
    TASK_CLOSED = "task_closed", _("Investigation task closed")
    TASKS_OVERRIDDEN = "tasks_overridden", _("Left investigation with open tasks")
    TAG_ADDED = "tag_added", _("Tag added")
    TAG_REMOVED = "tag_removed", _("Tag removed")
    MERGED = "merged", _("Merged")
    NOT_NOTIFIED = "not_notified", _("Customer not notified")
    DELIVERY_FAILED = "delivery_failed", _("Message not delivered")
    DELIVERY_RETRIED = "delivery_retried", _("Message sent again")
    NOTICE_SENT = "notice_sent", _("Customer notified by AlimTalk or text message")
    CUSTOMER_CHANGED = "customer_changed", _("Customer changed")
    ORDER_LINKED = "order_linked", _("Order linked")
    ORDER_UNLINKED = "order_unlinked", _("Order unlinked")
    REMEDY_REQUESTED = "remedy_requested", _("Remedy offered")
    REMEDY_APPROVAL_REQUESTED = "remedy_approval_requested", _("Remedy approval requested")
    REMEDY_APPROVED = "remedy_approved", _("Remedy approved")
    REMEDY_REJECTED = "remedy_rejected", _("Remedy rejected")
    REMEDY_EXECUTED = "remedy_executed", _("Remedy carried out")
    REMEDY_FAILED = "remedy_failed", _("Remedy not carried out")
    PROBLEM_LINKED = "problem_linked", _("Linked to a problem")
    PROBLEM_UNLINKED = "problem_unlinked", _("Unlinked from a problem")
    CAUSE_SET = "cause_set", _("Cause code")
    FIX_ANNOUNCED = "fix_announced", _("Customer told of the fix")
    CHECK_IN_ANSWERED = "check_in_answered", _("Check-in answered")
    NPS_ANSWERED = "nps_answered", _("NPS answered")


class TimelineEvent(models.Model):
    """One append-only entry of a case's history (R-CASE-4)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    actor = models.CharField(max_length=64)
    actor_kind = models.CharField(max_length=8, choices=ActorKind.choices, default=ActorKind.SYSTEM)
    actor_name = models.CharField(max_length=120)
    channel = models.CharField(max_length=16, blank=True)
    from_value = models.CharField(max_length=64, blank=True)
    to_value = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    is_public = models.BooleanField(default=False)
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["case", "created_at", "id"], name="event_case_created")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"
