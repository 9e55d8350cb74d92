"""Per-case facts and the daily rollups the dashboards read (R-ANALYTICS-1, -2).

``CaseFact`` holds what a case counts for (its business-time first response, FCR, SLA, CSAT), computed in
Python once per change because business time needs the calendar (lunch break, holidays). The dashboards
never read it for past days: ``DailyRollup`` and ``DailyResponseTimes`` sum it per day × team × agent ×
channel × category, and their monthly twins sum those again per month, so a year's view reads the whole months
from about 3,000 monthly rows and only the days at its two ends from the daily ones.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.channels.kinds import Channel

# First-response histogram edges in minutes: bucket i holds [EDGES[i-1], EDGES[i]); the last is open-ended.
# Median and p90 are read from these, interpolated inside the bucket (a few minutes' error in the first hours).
FRT_EDGES_MINUTES = (1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 960, 1440, 2880, 4320, 7200)


class CaseFact(models.Model):
    """What one case counts for. Rebuilt by ``facts.refresh_facts`` whenever the case changes."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="+")
    opened_on = models.DateField()  # local date (settings.TIME_ZONE) the case opened
    team_id = models.IntegerField(null=True)
    agent_id = models.IntegerField(null=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    category_id = models.IntegerField(null=True)
    # Business seconds to the first public human reply; null while unanswered.
    first_response_seconds = models.IntegerField(null=True)
    first_response_bucket = models.SmallIntegerField(null=True)
    # Wall-clock: the customer's 4 hours (seed 002). Null until decided (answered, or 4 h passed).
    answered_within_4h = models.BooleanField(null=True)
    resolved = models.BooleanField(default=False)
    resolution_seconds = models.IntegerField(null=True)  # business seconds from opening to the first solve
    fcr = models.BooleanField(null=True)  # null until 7 days after the first solve
    sla_due = models.SmallIntegerField(default=0)  # targets (first response, resolution) that fell due or were done
    sla_met = models.SmallIntegerField(default=0)
    csat = models.SmallIntegerField(null=True)
    bot_contained = models.BooleanField(default=False)  # solved with replies, none of them from a person
    settled = models.BooleanField(default=False)  # nothing can change any more without a new case change
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["opened_on"], name="fact_opened_on"),
            models.Index(fields=["computed_at"], name="fact_unsettled", condition=models.Q(settled=False)),
        ]

    def __str__(self) -> str:
        return f"facts of case {self.case_id}"


class _Dimensions(models.Model):
    day = models.DateField()
    team_id = models.IntegerField(null=True)
    agent_id = models.IntegerField(null=True)
    channel = models.CharField(max_length=16)
    category_id = models.IntegerField(null=True)

    class Meta:
        abstract = True


class _Sums(models.Model):
    cases = models.IntegerField(default=0)
    responded = models.IntegerField(default=0)
    first_response_seconds = models.BigIntegerField(default=0)
    within_4h = models.IntegerField(default=0)
    within_4h_decided = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    resolution_seconds = models.BigIntegerField(default=0)
    fcr = models.IntegerField(default=0)
    fcr_decided = models.IntegerField(default=0)
    sla_due = models.IntegerField(default=0)
    sla_met = models.IntegerField(default=0)
    csat_answers = models.IntegerField(default=0)
    csat_total = models.IntegerField(default=0)
    csat_satisfied = models.IntegerField(default=0)  # 4 or 5
    bot_contained = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DailyRollup(_Dimensions, _Sums):
    """Sums of the facts of the cases opened on ``day`` in one team × agent × channel × category."""

    class Meta:
        indexes = [models.Index(fields=["day"], name="rollup_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.channel}"


class MonthlyRollup(_Dimensions, _Sums):
    """The daily rollups of one month summed (``day`` is the month's first day): a year is 12 short scans
    instead of 365. Rebuilt from the daily rows by the same refresh, so the two always agree."""

    class Meta:
        indexes = [models.Index(fields=["day"], name="monthly_rollup_day")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m} {self.channel}"


class DailyResponseTimes(_Dimensions):
    """How many first responses fell in each ``FRT_EDGES_MINUTES`` bucket: the medians and p90s."""

    bucket = models.SmallIntegerField()
    count = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["day"], name="response_times_day")]

    def __str__(self) -> str:
        return f"{self.day} bucket {self.bucket}"


class MonthlyResponseTimes(_Dimensions):
    """``DailyResponseTimes`` of one month summed (``day`` is the month's first day)."""

    bucket = models.SmallIntegerField()
    count = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["day"], name="monthly_response_times_day")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m} bucket {self.bucket}"


class RefreshMark(models.Model):
    """Where the incremental refresh stopped: case changes up to ``cases_until`` are in the facts."""

    name = models.CharField(max_length=32, unique=True)
    last_case_id = models.BigIntegerField(default=0)
    cases_until = models.DateTimeField(null=True)
    surveys_until = models.DateTimeField(null=True)
    refreshed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return self.name


class ChannelCost(models.Model):
    """Relative cost of one contact on a channel (seed 004: phone 100). Missing rows use the defaults."""

    channel = models.CharField(max_length=16, unique=True)
    relative_cost = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("channel cost")
        verbose_name_plural = _("channel costs")

    def __str__(self) -> str:
        return f"{self.channel}: {self.relative_cost}"


class ReportSubscription(models.Model):
    """A lead's or admin's opt-in to the weekly analytics e-mail."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="analytics_report")
    weekly = models.BooleanField(default=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("analytics report subscription")
        verbose_name_plural = _("analytics report subscriptions")

    def __str__(self) -> str:
        return f"report for {self.user_id}"
