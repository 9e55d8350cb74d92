"""Asking for a rating when a case closes: the survey row and its signed link (``answers`` stores the answer).

The link is signed (no login, nothing stored to guess): it names the case and expires with the survey.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from soridam.cases.models import Case
from soridam.followup.models import Survey
from soridam.notifications.models import NotificationKind
from soridam.notifications.outbox import notify_customer

_SALT = "soridam.followup.survey"


def request_survey(case: Case) -> Survey:
    """Create the case's survey (once) and send the customer the link. Called by the actions layer on close."""
    survey, created = Survey.objects.get_or_create(
        case=case, defaults={"expires_at": timezone.now() + timedelta(days=settings.SORIDAM_SURVEY_VALID_DAYS)}
    )
    if created:
        notify_customer(case, NotificationKind.SURVEY_REQUEST)
    return survey


def survey_token(case: Case) -> str:
    return signing.dumps(case.pk, salt=_SALT, compress=True)


def survey_url(case: Case) -> str:
    return settings.SITE_URL + reverse("web:survey", args=[survey_token(case)])


def access_survey_by_token(token: str, *, for_update: bool = False) -> Survey:
    """The survey a signed link names; 404 for a forged, expired or unknown link."""
    max_age = timedelta(days=settings.SORIDAM_SURVEY_VALID_DAYS)
    try:
        case_id = signing.loads(token, salt=_SALT, max_age=max_age)
    except signing.BadSignature:
        raise Http404 from None
    surveys = Survey.objects.select_related("case__customer")
    if for_update:
        surveys = surveys.select_for_update()
    survey = surveys.filter(case_id=case_id).first()
    if survey is None or not survey.is_open:
        raise Http404
    return survey
