"""A customer answers the satisfaction survey from the signed link in their e-mail."""

from __future__ import annotations

from django.db import transaction

from soridam.cases import actions
from soridam.cases.models import Case
from soridam.followup.models import Survey
from soridam.followup.surveys import access_survey_by_token


def answer_survey(token: str, rating: int, comment: str) -> Survey:
    """Store a rating of 1–5 and a comment; answering again replaces the earlier answer."""
    with transaction.atomic():
        survey = access_survey_by_token(token, for_update=True)
        survey.case = Case.objects.select_for_update().select_related("customer").get(pk=survey.case_id)
        return actions.record_survey_answer(survey, rating, comment)
