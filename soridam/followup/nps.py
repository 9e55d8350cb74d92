"""NPS (R-FOLLOW-4): "how likely are you to recommend us?" 0–10, at most once per customer per 90 days.

Asked when a case closes; NPS = % promoters (9–10) − % detractors (0–6).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from soridam.cases.models import Case
from soridam.customers.models import Customer
from soridam.followup.models import NpsSurvey
from soridam.notifications import policy
from soridam.notifications.models import CustomerEvent, NotificationKind
from soridam.notifications.outbox import notify_customer

PROMOTER_FROM = 9
DETRACTOR_UP_TO = 6


def asked_recently(customer_id: int, now: datetime) -> bool:
    since = now - timedelta(days=settings.SORIDAM_NPS_INTERVAL_DAYS)
    return NpsSurvey.objects.filter(customer_id=customer_id, sent_at__gt=since).exists()


def request_nps(case: Case) -> NpsSurvey | None:
    """Ask the case's customer for a score unless they were asked within the interval (90 days): then
    nothing is stored or sent. The caller holds the case's row lock; the customer's row is locked here."""
    if not policy.sends(CustomerEvent.NPS_REQUEST):
        return None
    now = timezone.now()
    # Serialise a customer's requests: two of their cases closing together must not both ask.
    list(Customer.objects.select_for_update().filter(pk=case.customer_id).values_list("pk", flat=True))
    if asked_recently(case.customer_id, now):
        return None
    survey = NpsSurvey.objects.create(
        customer_id=case.customer_id,
        case=case,
        sent_at=now,
        expires_at=now + timedelta(days=settings.SORIDAM_SURVEY_VALID_DAYS),
    )
    notify_customer(case, NotificationKind.NPS_REQUEST)
    return survey


def open_nps_survey(case: Case) -> NpsSurvey | None:
    """The case's NPS question while it may be answered (the message links it)."""
    survey = NpsSurvey.objects.filter(case=case).order_by("-sent_at").first()
    return survey if survey is not None and survey.is_open else None


def nps_score(answers: QuerySet[NpsSurvey]) -> float | None:
    """% of scores 9–10 minus % of scores 0–6 among the answered ones; None with no answer."""
    counts = answers.filter(score__isnull=False).aggregate(
        total=Count("id"),
        promoters=Count("id", filter=Q(score__gte=PROMOTER_FROM)),
        detractors=Count("id", filter=Q(score__lte=DETRACTOR_UP_TO)),
    )
    if not counts["total"]:
        return None
    promoters, detractors, total = int(counts["promoters"]), int(counts["detractors"]), int(counts["total"])
    return round(100.0 * (promoters - detractors) / total, 1)
