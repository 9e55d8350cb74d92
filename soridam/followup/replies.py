"""The customer answers a follow-up link: the check-in, the NPS question, the advertising opt-out. Each
loads its row from the signed token under its lock, then lets the actions layer change the case."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.cases import followup_actions
from soridam.customers.models import Customer
from soridam.followup.access import access_check_in_by_token, access_customer_by_opt_out, access_nps_by_token, lock_case
from soridam.followup.models import CheckIn, CheckInAnswer, MarketingConsent, NpsSurvey

ANSWERS = {"solved": CheckInAnswer.SOLVED, "not-solved": CheckInAnswer.NOT_SOLVED}


def answer_check_in(token: str, answer: str) -> CheckIn:
    """Lock order as in the periodic job: the check-in, then its case."""
    with transaction.atomic():
        check_in = access_check_in_by_token(token, for_update=True)
        case = lock_case(check_in.case_id)
        actor = Actor(customer=case.customer)
        return followup_actions.settle_check_in(case, check_in, ANSWERS[answer], actor=actor)


def answer_nps(token: str, score: int, comment: str) -> NpsSurvey:
    with transaction.atomic():
        survey = access_nps_by_token(token, for_update=True)
        case = lock_case(survey.case_id)  # type: ignore[arg-type]  # access_nps_by_token refuses None
        return followup_actions.record_nps_answer(case, survey, score, comment)


def opt_out(token: str) -> MarketingConsent:
    with transaction.atomic():
        customer: Customer = access_customer_by_opt_out(token, for_update=True)
        return withdraw_consent(customer)


def withdraw_consent(customer: Customer) -> MarketingConsent:
    """The opt-out: no more advertising; the withdrawal is kept with its time (and audited). The caller
    holds the customer's row lock."""
    consent, _created = MarketingConsent.objects.get_or_create(customer=customer)
    if consent.withdrawn_at is None or consent.advertising:
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        audit.record(Actor(customer=customer), "customer.advertising_withdrawn", target=consent)
    return consent
