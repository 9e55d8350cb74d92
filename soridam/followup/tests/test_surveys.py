"""The acceptance items of issue 17 on surveys: an expired token, a reused token and an NPS inside 90 days
each behave as specified (R-FOLLOW-3, 4); a CSAT of 1 opens a recovery task for the lead (R-FOLLOW-5)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from soridam.accounts.models import User
from soridam.analytics import metrics
from soridam.analytics.metrics import Filters
from soridam.cases import actions
from soridam.cases.models import Case, EventKind, Status, TimelineEvent
from soridam.followup.models import NpsSurvey, Survey, SurveyQuestion, SurveyTemplate
from soridam.followup.nps import nps_score
from soridam.followup.surveys import survey_token
from soridam.investigations.models import InvestigationTask
from soridam.notifications.models import NotificationKind, OutboundMessage

pytestmark = pytest.mark.django_db
START = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # Monday 10:00 KST


@pytest.fixture(autouse=True)
def _roomy_throttle(settings: Any) -> None:
    settings.SORIDAM_CONTACT_THROTTLE = 50


def test_expired_survey_token_gets_a_friendly_page_and_stores_nothing(
    client: Client, make_case: Callable[..., Case], solve: Callable[[Case], Case], at: Callable[[datetime], Any]
) -> None:
    at(START)
    case = solve(make_case())
    token = survey_token(case)
    at(START + timedelta(days=14, seconds=1))
    response = client.post(f"/survey/{token}/", {"rating": "1", "comment": "늦었어요"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "This survey link does not work" in response.content.decode()
    assert Survey.objects.get(case=case).answered_at is None
    assert not TimelineEvent.objects.filter(case=case, kind=EventKind.SURVEY_ANSWERED).exists()
    assert not InvestigationTask.objects.exists()


def test_reused_survey_token_replaces_the_earlier_answer_and_unknown_token_stores_nothing(
    client: Client, make_case: Callable[..., Case], solve: Callable[[Case], Case], at: Callable[[datetime], Any]
) -> None:
    at(START)
    case = solve(make_case())
    url = f"/survey/{survey_token(case)}/"
    client.post(url, {"rating": "5", "comment": "좋아요"})
    at(START + timedelta(days=13))
    client.post(url, {"rating": "3", "comment": "보통"})
    assert list(Survey.objects.values_list("case", "rating", "comment")) == [(case.pk, 3, "보통")]
    unknown = client.post("/survey/unknown-token/", {"rating": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert unknown.status_code == 404
    assert "This survey link does not work" in unknown.content.decode()
    assert Survey.objects.get().rating == 3


def test_csat_of_one_opens_a_recovery_task_for_the_lead_once(
    client: Client,
    make_case: Callable[..., Case],
    solve: Callable[[Case], Case],
    lena: User,
    at: Callable[[datetime], Any],
) -> None:
    at(START)
    case = solve(make_case())
    url = f"/survey/{survey_token(case)}/"
    client.post(url, {"rating": "1", "comment": "최악"})
    task = InvestigationTask.objects.get(case=case)
    assert task.assignee == lena  # the lead of the case's team
    assert task.owner_team_id == case.team_id
    assert not task.blocking
    assert task.title == "⚑ 회복 조치: 만족도 1"  # in the staff's language, whatever the customer's
    assert TimelineEvent.objects.filter(case=case, kind=EventKind.TASK_OPENED).count() == 1
    client.post(url, {"rating": "2"})  # still low: no second task
    assert InvestigationTask.objects.filter(case=case).count() == 1


def test_csat_of_three_opens_no_recovery_task(
    client: Client, make_case: Callable[..., Case], solve: Callable[[Case], Case], lena: User
) -> None:
    case = solve(make_case())
    client.post(f"/survey/{survey_token(case)}/", {"rating": "3"})
    assert not InvestigationTask.objects.exists()


def _nps_requests(email: str) -> int:
    return OutboundMessage.objects.filter(kind=NotificationKind.NPS_REQUEST, recipient=email).count()


def test_nps_is_asked_at_close_and_not_again_within_90_days(
    make_case: Callable[..., Case], close: Callable[[Case], Case], at: Callable[[datetime], Any]
) -> None:
    at(START)
    first = close(make_case())
    assert NpsSurvey.objects.filter(customer=first.customer).count() == 1
    assert _nps_requests("kim@example.kr") == 1
    at(START + timedelta(days=89))
    close(make_case(subject="또 늦어요"))
    assert NpsSurvey.objects.filter(customer=first.customer).count() == 1  # inside 90 days: not asked
    assert _nps_requests("kim@example.kr") == 1
    at(START + timedelta(days=91))
    close(make_case(subject="세 번째"))
    assert NpsSurvey.objects.filter(customer=first.customer).count() == 2
    assert _nps_requests("kim@example.kr") == 2


def test_nps_answer_from_the_link_low_score_opens_recovery_and_reanswer_replaces(
    client: Client, make_case: Callable[..., Case], close: Callable[[Case], Case], lena: User
) -> None:
    case = close(make_case())
    body = OutboundMessage.objects.get(kind=NotificationKind.NPS_REQUEST).body
    found = re.search(r"https?://[^/\s]+(/nps/\S+/)", body)
    assert found is not None
    url = found.group(1)
    assert client.post(url, {"score": "4", "comment": "별로"}).status_code == 200
    assert InvestigationTask.objects.get(case=case).assignee == lena
    assert client.post(url, {"score": "9"}).status_code == 200
    assert list(NpsSurvey.objects.values_list("score", flat=True)) == [9]
    assert client.post(url, {"score": "11"}).status_code == 400
    assert client.post("/nps/forged/", {"score": "0"}).status_code == 404
    assert NpsSurvey.objects.get().score == 9


def test_nps_is_percent_promoters_minus_percent_detractors(make_case: Callable[..., Case]) -> None:
    customer = make_case().customer
    now = datetime.now(UTC)
    for score in (10, 9, 9, 8, 7, 6, 0, 3, 10, 10):
        NpsSurvey.objects.create(customer=customer, expires_at=now, score=score, answered_at=now)
    NpsSurvey.objects.create(customer=customer, expires_at=now)  # unanswered: not counted
    assert nps_score(NpsSurvey.objects.all()) == 20.0  # 5 promoters, 3 detractors of 10
    assert nps_score(NpsSurvey.objects.none()) is None


def test_a_brand_template_in_the_case_language_replaces_the_default_survey(
    client: Client, make_case: Callable[..., Case], solve: Callable[[Case], Case]
) -> None:
    template = SurveyTemplate.objects.create(name="기본 설문", locale="ko")
    rating = SurveyQuestion.objects.create(template=template, position=1, kind="rating", text="상담 만족도")
    reason = SurveyQuestion.objects.create(
        template=template, position=2, kind="choice", text="가장 좋았던 점", choices="속도\n친절"
    )
    SurveyTemplate.objects.create(name="English", locale="en").questions.create(kind="text", text="Anything else?")
    case = solve(make_case())
    assert Survey.objects.get(case=case).template == template
    url = f"/survey/{survey_token(case)}/"
    page = client.get(url).content.decode()
    assert "상담 만족도" in page
    assert "가장 좋았던 점" in page
    assert "Anything else?" not in page
    assert client.post(url, {f"q{rating.pk}": "4", f"q{reason.pk}": "친절"}).status_code == 200
    survey = Survey.objects.get(case=case)
    assert survey.rating == 4
    assert survey.answers == {str(rating.pk): "4", str(reason.pk): "친절"}
    assert client.post(url, {f"q{reason.pk}": "친절"}).status_code == 400  # the rating is required


def test_the_dashboard_nps_counts_the_answers_of_the_period(make_case: Callable[..., Case]) -> None:
    customer = make_case().customer
    inside, outside = datetime(2026, 11, 10, 3, 0, tzinfo=UTC), datetime(2026, 10, 1, 3, 0, tzinfo=UTC)
    for score, answered in ((10, inside), (0, inside), (9, inside), (0, outside)):
        NpsSurvey.objects.create(customer=customer, expires_at=answered, score=score, answered_at=answered)
    period = Filters(start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert metrics.nps(period) == 33.3  # 2 promoters, 1 detractor of 3


def test_a_close_that_asks_for_the_rating_does_not_also_ask_nps(
    make_case: Callable[..., Case], agent_actor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = make_case()
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_status(case, Status.CLOSED, actor=agent_actor)  # closed unsolved: the rating goes now
    assert Survey.objects.filter(case=case).exists()
    assert not NpsSurvey.objects.exists()
