"""A customer answers the satisfaction survey from the signed link in their e-mail."""

from __future__ import annotations

from django.db import transaction

from soridam.audit.actors import Actor
from soridam.cases import actions, followup_actions
from soridam.cases.models import Case
from soridam.followup.models import Survey
from soridam.followup.surveys import access_survey_by_token


def answer_survey(token: str, rating: int, comment: str, answers: dict[str, str] | None = None) -> Survey:
    """Store a rating of 1–5 and a comment (and a brand template's other answers); answering again
    replaces the earlier answer. A first low rating (≤ 2) opens a recovery task for the lead."""
    with transaction.atomic():
        survey = access_survey_by_token(token, for_update=True)
        survey.case = Case.objects.select_for_update().select_related("customer").get(pk=survey.case_id)
        was_low = survey.rating is not None and survey.rating <= followup_actions.LOW_CSAT
        if answers is not None:
            survey.answers = answers
            survey.save(update_fields=["answers"])
        answered = actions.record_survey_answer(survey, rating, comment)
        if rating <= followup_actions.LOW_CSAT and not was_low:
            title = followup_actions.recovery_title("CSAT", rating)
            followup_actions.open_recovery_task(survey.case, title, actor=Actor(customer=survey.case.customer))
        return answered
