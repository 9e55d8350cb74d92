"""Business calendars, SLA policies, each case's clocks, escalation rules and the periodic-job rows."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.accounts.models import Team
from soridam.cases.models import Case, Category, Priority
from soridam.channels.kinds import Channel
from soridam.customers.models import Tier
from soridam.lib.process_copy import ChangeCount, CountedChanges

# Saves and deletes of SLA configuration in this process: ``sla/config.py`` then reads it again (config reads
# these models, so they cannot call it).
configuration_changes = ChangeCount()


class _SlaConfigModel(CountedChanges):
    """Saving or deleting SLA configuration drops this process's copy (see sla/config.py)."""

    changes = configuration_changes

    class Meta:
        abstract = True


class BusinessCalendar(_SlaConfigModel):
    name = models.CharField(max_length=120, unique=True)
    time_zone = models.CharField(max_length=40, default="Asia/Seoul")
    always_open = models.BooleanField(default=False, help_text=_("24/7: every minute counts."))
    korean_holidays = models.BooleanField(default=True, help_text=_("Closed on Korean public holidays."))
    break_start = models.TimeField(null=True, blank=True, help_text=_("Daily break (lunch), not counted."))
    break_end = models.TimeField(null=True, blank=True)
    is_default = models.BooleanField(default=False, help_text=_("Used for teams without their own calendar."))
    teams = models.ManyToManyField(Team, blank=True, related_name="business_calendars")

    class Meta(_SlaConfigModel.Meta):
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name


class WorkingHours(_SlaConfigModel):
    """One span of a weekday. An end at or before the start runs past midnight into the next day."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(help_text=_("0 is Monday, 6 is Sunday."))
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name_plural = "working hours"

    def __str__(self) -> str:
        return f"{self.weekday} {self.start:%H:%M}-{self.end:%H:%M}"


class ClosedDay(_SlaConfigModel):
    """A day an admin closes on top of the public holidays (temporary holidays, company events)."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="closed_days")
    date = models.DateField()
    reason = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="closed_day_unique")]

    def __str__(self) -> str:
        return f"{self.calendar}: {self.date}"


class Target(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")


class SlaPolicy(_SlaConfigModel):
    """Targets in business minutes. Blank conditions match anything; the most specific policy wins."""

    name = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0, help_text=_("Lower wins between equally specific ones."))
    priority = models.CharField(max_length=8, choices=Priority.choices, blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE)
    channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    tier = models.CharField(max_length=16, choices=Tier.choices, blank=True)
    first_response_minutes = models.PositiveIntegerField(default=240)
    next_response_minutes = models.PositiveIntegerField(default=480)
    resolution_minutes = models.PositiveIntegerField(default=2400)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def minutes_for(self, target: str) -> int:
        return int(getattr(self, f"{target}_minutes"))


class CaseSla(models.Model):
    """The clocks of one case. Paused while the case is not open (waiting on the customer, solved)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="sla")
    policy = models.ForeignKey(SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL)
    calendar = models.ForeignKey(BusinessCalendar, null=True, blank=True, on_delete=models.SET_NULL)
    started_at = models.DateTimeField(default=timezone.now)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0, help_text=_("Business time spent paused."))
    first_responded_at = models.DateTimeField(null=True, blank=True)
    first_response_due = models.DateTimeField(null=True, blank=True)
    next_response_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    risk = models.PositiveSmallIntegerField(default=0, help_text=_("Breach risk, 0-100."))
    next_escalation_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("case SLA")
        verbose_name_plural = _("case SLAs")

    def __str__(self) -> str:
        return f"SLA of {self.case_id}"

    def due_of(self, target: str) -> object:
        return getattr(self, f"{target}_due")


class EscalationAction(models.TextChoices):
    NOTIFY_LEAD = "notify_lead", _("Notify the team lead")
    RAISE_PRIORITY = "raise_priority", _("Raise the priority")
    REASSIGN = "reassign", _("Reassign")


class EscalationRule(_SlaConfigModel):
    """Fires once per case and target when that share of the target's business time has passed."""

    policy = models.ForeignKey(
        SlaPolicy, null=True, blank=True, on_delete=models.CASCADE, help_text=_("Blank: every policy.")
    )
    target = models.CharField(max_length=16, choices=Target.choices)
    percent = models.PositiveSmallIntegerField(default=75, help_text=_("100 is the breach itself."))
    action = models.CharField(max_length=16, choices=EscalationAction.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")
        ordering = ["target", "percent", "id"]

    def __str__(self) -> str:
        return f"{self.target} {self.percent}% → {self.action}"


class EscalationFired(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(EscalationRule, on_delete=models.CASCADE, related_name="fired")
    target = models.CharField(max_length=16, choices=Target.choices)
    fired_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("fired escalation")
        verbose_name_plural = _("fired escalations")
        constraints = [
            models.UniqueConstraint(fields=["case", "rule", "target"], name="escalation_fired_once"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.rule_id} {self.target}"


class LeadNotice(models.Model):
    """A workspace notification for a team lead (an SLA warning or breach)."""

    recipient = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="sla_notices")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lead notice")
        verbose_name_plural = _("lead notices")
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="lead_notice_inbox")]

    def __str__(self) -> str:
        return self.text


class PeriodicRun(models.Model):
    """One row per periodic job (soridam.sla.periodic): locked while a scheduler decides to enqueue it."""

    name = models.CharField(max_length=80, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")

    def __str__(self) -> str:
        return self.name
