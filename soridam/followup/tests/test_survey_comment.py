"""The customer's rating and comment reach the agents: on the case page and in the admin, masked (issue 11)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, Status
from soridam.followup.answers import answer_survey
from soridam.followup.surveys import survey_token

pytestmark = pytest.mark.django_db

COMMENT = "배송이 늦었어요. 010-1234-5678 로 연락 주세요"


@pytest.fixture
def rated_case(make_case: Callable[..., Case], agent_actor: Actor, django_capture_on_commit_callbacks: Any) -> Case:
    case = make_case()
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_status(case, Status.SOLVED, actor=agent_actor)  # solving asks for the rating
    answer_survey(survey_token(case), 2, COMMENT)
    return case


def test_case_page_shows_the_rating_and_the_masked_comment(alice_client: Client, rated_case: Case) -> None:
    html = alice_client.get(f"/workspace/cases/{rated_case.pk}/").content.decode()
    assert 'id="case-survey-rating">5점 만점에 2점' in html
    assert "배송이 늦었어요." in html
    assert "010-1234-5678" not in html  # personal data in the comment is masked like any customer text


def test_case_page_without_an_answer_shows_no_rating(
    alice_client: Client, make_case: Callable[..., Case], agent_actor: Actor
) -> None:
    case = make_case()
    actions.change_status(case, Status.SOLVED, actor=agent_actor)
    assert 'id="case-survey"' not in alice_client.get(f"/workspace/cases/{case.pk}/").content.decode()


def test_survey_admin_lists_rating_date_and_case_and_masks_the_comment(root: User, rated_case: Case) -> None:
    admin = Client()
    admin.force_login(root)
    listing = admin.get("/admin/followup/survey/").content.decode()
    assert rated_case.reference in listing
    assert '<th class="field-rating"><a href="/admin/followup/survey/' in listing
    assert '/change/">2</a></th>' in listing
    assert "배송이 늦었어요." in listing
    assert "010-1234-5678" not in listing
    survey = rated_case.survey
    detail = admin.get(f"/admin/followup/survey/{survey.pk}/change/").content.decode()
    assert "배송이 늦었어요." in detail
    assert "010-1234-5678" not in detail
    assert 'name="comment"' not in detail  # never an editable field holding the raw text
