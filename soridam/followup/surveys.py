"""Asking for a rating when a case is solved (or closed: ``SORIDAM_SURVEY_ON``): the survey row and its signed
link (``answers`` stores the answer).

The link is signed (no login, nothing stored to guess): it names the case and expires with the survey.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db.models import F, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from soridam.cases.models import Case, Status
from soridam.followup.models import Survey, SurveyTemplate
from soridam.notifications import policy
from soridam.notifications.models import CustomerEvent, NotificationKind
from soridam.notifications.outbox import notify_customer
from soridam.orders.models import CaseOrder
from soridam.privacy.models_dsr import processing_limited

_SALT = "soridam.followup.survey"


def survey_due(status: str) -> bool:
    """Whether a case entering ``status`` is asked for a rating: at the status ``SORIDAM_SURVEY_ON`` names
    (solved by default), or at close for a case closed without being solved first."""
    return status == settings.SORIDAM_SURVEY_ON or status == Status.CLOSED


def request_survey(case: Case) -> Survey | None:
    """Create the case's survey, once, when the notification policy asks customers for a rating; the
    survey when it was created now, else None. Sending the link is the caller's: the actions layer
    lets the solved message carry it, or sends it alone (``announce_survey``)."""
    if not policy.sends(CustomerEvent.SURVEY_REQUEST) or processing_limited(case.customer_id):
        return None
    expires_at = timezone.now() + timedelta(days=settings.SORIDAM_SURVEY_VALID_DAYS)
    survey, created = Survey.objects.get_or_create(
        case=case, defaults={"expires_at": expires_at, "template": template_for(case)}
    )
    return survey if created else None


def template_for(case: Case) -> SurveyTemplate | None:
    """The brand's own survey for the case's language, asked instead of the default: the template of the
    shop of the case's latest linked order first, then one for every brand (no shop); None: the default survey."""
    links = CaseOrder.objects.filter(case=case).order_by("-linked_at", "-pk")
    shop_id = links.values_list("order__shop_id", flat=True).first()
    templates = SurveyTemplate.objects.filter(is_active=True, locale=case.language, questions__isnull=False)
    matching = (
        templates.filter(Q(brand_id=shop_id) | Q(brand__isnull=True)) if shop_id else templates.filter(brand=None)
    )
    return matching.order_by(F("brand_id").desc(nulls_last=True), "pk").distinct().first()


def announce_survey(case: Case) -> None:
    notify_customer(case, NotificationKind.SURVEY_REQUEST)


def open_survey_url(case: Case) -> str:
    """The survey link while the case's survey is open; empty when it has none."""
    survey = Survey.objects.filter(case=case).first()
    return survey_url(case) if survey is not None and survey.is_open else ""


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
