from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, Status, TimelineEvent
from soridam.followup.models import Survey
from soridam.followup.surveys import survey_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_case(make_case: Callable[..., Case], agent_actor: Actor) -> Case:
    case = make_case()
    actions.change_status(case, Status.CLOSED, actor=agent_actor)
    return case


def test_survey_page_offers_an_accessible_one_to_five_rating(client: Client, closed_case: Case) -> None:
    page = client.get(f"/survey/{survey_token(closed_case)}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<fieldset" in page
    assert "<legend>Your rating</legend>" in page
    for value in range(1, 6):
        assert f'<label for="rating-{value}">' in page
        assert f'id="rating-{value}" value="{value}"' in page
    assert 'id="survey-comment"' in page
    assert '<label for="survey-comment">' in page
    assert closed_case.reference in page


def test_answer_is_stored_then_replaced_and_prefilled(client: Client, closed_case: Case) -> None:
    url = f"/survey/{survey_token(closed_case)}/"
    first = client.post(url, {"rating": "4", "comment": "빠르게 해결해 주셔서 감사합니다"}, HTTP_ACCEPT_LANGUAGE="en")
    assert first.status_code == 200
    assert "Thank you for your answer" in first.content.decode()
    assert Survey.objects.values_list("rating", "comment").get() == (4, "빠르게 해결해 주셔서 감사합니다")
    client.post(url, {"rating": "2", "comment": "다시 생각해 보니 늦었어요"})
    survey = Survey.objects.get()
    assert (survey.rating, survey.comment) == (2, "다시 생각해 보니 늦었어요")
    assert TimelineEvent.objects.filter(case=closed_case, kind="survey_answered").count() == 2
    page = client.get(url).content.decode()
    assert 'id="rating-2" value="2" required checked' in page
    assert "다시 생각해 보니 늦었어요</textarea>" in page


def test_tracking_page_links_to_an_unanswered_survey_only(client: Client, closed_case: Case) -> None:
    track = f"/track/{closed_case.tracking_token}/"
    # The signed token carries a timestamp, so read the link off the page rather than rebuild it.
    found = re.search(r'href="(/survey/[^"]+/)"[^>]*id="survey-link"', client.get(track).content.decode())
    assert found is not None
    survey_url = html.unescape(found.group(1))
    assert closed_case.reference in client.get(survey_url).content.decode()
    client.post(survey_url, {"rating": "5"})
    assert 'id="survey-link"' not in client.get(track).content.decode()


def test_missing_or_out_of_range_rating_is_refused(client: Client, closed_case: Case) -> None:
    url = f"/survey/{survey_token(closed_case)}/"
    for data in ({"comment": "별점 없음"}, {"rating": "9"}, {"rating": "abc"}):
        response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
    assert "Choose a rating from 1 to 5." in client.post(url, {}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert Survey.objects.get().answered_at is None


def test_forged_expired_or_unknown_survey_token_stores_nothing(
    client: Client, closed_case: Case, make_case: Callable[..., Case]
) -> None:
    good = survey_token(closed_case)
    never_closed = make_case(email="lee@example.kr")
    tokens = [
        "not-a-token",
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        survey_token(never_closed),
    ]
    for token in tokens:
        response = client.post(f"/survey/{token}/", {"rating": "1", "comment": "spam"}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404
        assert "This survey link does not work" in response.content.decode()
    Survey.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(f"/survey/{good}/").status_code == 404
    assert client.post(f"/survey/{good}/", {"rating": "1"}).status_code == 404
    assert Survey.objects.get().answered_at is None
    assert not TimelineEvent.objects.filter(kind="survey_answered").exists()
