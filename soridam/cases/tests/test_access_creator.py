"""An agent who opens a case keeps it when triage hands it to another team (issue 11, item 6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.http import Http404
from django.test import Client

from soridam.accounts.models import Membership, Role, Team, User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.access import access_case, cases_visible_to
from soridam.cases.models import Case

pytestmark = pytest.mark.django_db

ApiClient = Callable[[User], Client]


@pytest.fixture
def carol(teams: dict[str, Team]) -> User:
    """Alice's teammate in delivery."""
    user = User.objects.create_user(username="carol", password="pw-carol", role=Role.AGENT)
    Membership.objects.create(user=user, team=teams["delivery"])
    return user


@pytest.fixture
def filed_by_alice(
    api_client: ApiClient, alice: User, teams: dict[str, Team], django_capture_on_commit_callbacks: Any
) -> Case:
    """Alice (delivery) files a payment complaint by API token; triage then gives it to payments."""
    body = {
        "subject": "결제가 두 번 됐어요",
        "body": "카드 결제가 중복으로 청구됐습니다.",
        "customer": {"name": "김민지", "email": "kim@example.kr"},
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(alice).post("/api/v1/cases", body, "application/json")
    assert response.status_code == 201
    case = Case.objects.get(pk=response.json()["id"])
    actions.change_team(case, teams["payments"], actor=Actor(system="triage"))
    return case


def test_the_creators_token_still_reads_the_case_after_it_moves_team(
    api_client: ApiClient, alice: User, filed_by_alice: Case
) -> None:
    response = api_client(alice).get(f"/api/v1/cases/{filed_by_alice.pk}")
    assert response.status_code == 200
    assert response.json()["id"] == filed_by_alice.pk
    assert access_case(alice, filed_by_alice.pk) == filed_by_alice


def test_the_creators_teammate_does_not_see_a_case_that_left_their_team(carol: User, filed_by_alice: Case) -> None:
    assert not cases_visible_to(carol).filter(pk=filed_by_alice.pk).exists()
    with pytest.raises(Http404):
        access_case(carol, filed_by_alice.pk)


def test_an_outsider_sees_it_only_through_the_team_that_owns_it_now(bob: User, filed_by_alice: Case) -> None:
    assert access_case(bob, filed_by_alice.pk) == filed_by_alice  # payments owns it now
    outsider = User.objects.create_user(username="dave", password="pw-dave", role=Role.AGENT)
    product = Team.objects.create(name="Product", slug="product")
    Membership.objects.create(user=outsider, team=product)
    assert not cases_visible_to(outsider).filter(pk=filed_by_alice.pk).exists()


def test_a_customer_message_from_the_customer_grants_no_agent_anything(
    make_case: Callable[..., Case], alice: User, teams: dict[str, Team]
) -> None:
    case = make_case()
    actions.change_team(case, teams["payments"], actor=Actor(system="triage"))
    assert not cases_visible_to(alice).filter(pk=case.pk).exists()
