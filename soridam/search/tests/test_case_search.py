"""Case search: subjects, messages and internal notes, through the actions layer, within permissions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.access import cases_visible_to
from soridam.cases.models import Case
from soridam.search.engine import search_cases


@pytest.fixture(autouse=True)
def _lexical_only(settings: Any) -> None:
    settings.SORIDAM_SEARCH_EMBEDDINGS = False


def found(query: str, user: User) -> list[int]:
    return [hit.key for hit in search_cases(query, cases_visible_to(user))]


def test_agent_never_sees_another_teams_case(
    make_case: Callable[..., Case], alice: User, bob: User, root: User
) -> None:
    delivery = make_case("배송지 변경 요청", "배송지를 부산으로 바꿔 주세요", category="delivery")
    payments = make_case("결제 후 배송지 변경", "배송지를 바꾸고 환불도 받고 싶어요", category="payment")
    assert found("배송지 변경", alice) == [delivery.pk]
    assert found("배송지 변경", bob) == [payments.pk]
    assert set(found("배송지 변경", root)) == {delivery.pk, payments.pk}


def test_messages_and_internal_notes_are_searchable_and_follow_each_change(
    make_case: Callable[..., Case], alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    case = make_case("상품 문의", "사이즈 문의드립니다")
    assert found("운송장", alice) == []
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_note(case, "한진택배 운송장 번호 확인 필요", actor=Actor(user=alice))
    assert found("운송장", alice) == [case.pk]
    assert found("한진택", alice) == [case.pk]  # the last word as a prefix while typing
    with django_capture_on_commit_callbacks(execute=True):
        actions.receive_customer_message(
            case, "냉장고 설치 날짜를 알려 주세요", actor=Actor(customer=case.customer), channel="web"
        )
    assert found("냉장고 설치", alice) == [case.pk]


def test_search_honours_the_callers_filters(make_case: Callable[..., Case], alice: User) -> None:
    first = make_case("배송 지연", "택배가 오지 않아요")
    second = make_case("배송 지연 문의", "택배가 아직이에요")
    only_second = cases_visible_to(alice).filter(pk=second.pk)
    assert [hit.key for hit in search_cases("택배", only_second)] == [second.pk]
    assert {hit.key for hit in search_cases("택배", cases_visible_to(alice))} == {first.pk, second.pk}


def test_a_team_scope_reads_only_those_teams_and_visible_still_decides(
    make_case: Callable[..., Case], teams: dict[str, Any], alice: User, root: User
) -> None:
    delivery = make_case("배송지 변경 요청", "배송지를 바꿔 주세요", category="delivery")
    payments = make_case("결제 후 배송지 변경", "배송지를 바꾸고 싶어요", category="payment")
    everything = cases_visible_to(root)
    scoped = search_cases("배송지 변경", everything, teams=[teams["delivery"].pk, None])
    assert [hit.key for hit in scoped] == [delivery.pk]
    assert {hit.key for hit in search_cases("배송지 변경", everything, teams=None)} == {delivery.pk, payments.pk}
    assert search_cases("배송지 변경", everything, teams=[]) == []
    # A scope wider than what the caller may see shows nothing more: `visible` decides.
    wide = search_cases("배송지 변경", cases_visible_to(alice), teams=[teams["payments"].pk, teams["delivery"].pk])
    assert [hit.key for hit in wide] == [delivery.pk]


def test_a_case_moved_to_another_team_is_found_in_its_new_scope(
    make_case: Callable[..., Case], teams: dict[str, Any], root: User, django_capture_on_commit_callbacks: Any
) -> None:
    case = make_case("배송지 변경 요청", "배송지를 바꿔 주세요", category="delivery")
    payments_only = [teams["payments"].pk]
    assert search_cases("배송지", cases_visible_to(root), teams=payments_only) == []
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_team(case, teams["payments"], actor=Actor(user=root))
    assert [hit.key for hit in search_cases("배송지", cases_visible_to(root), teams=payments_only)] == [case.pk]


def test_the_newest_visible_match_is_found_behind_newer_hidden_ones(
    make_case: Callable[..., Case], alice: User
) -> None:
    """The newest matches in the index are not the caller's: the search must look further, not stop short."""
    oldest, *newer = [make_case(f"냉장고 설치 문의 {n}", "설치 날짜를 알려 주세요") for n in range(4)]
    only_oldest = cases_visible_to(alice).filter(pk=oldest.pk)
    assert [hit.key for hit in search_cases("냉장고 설치", only_oldest, limit=1)] == [oldest.pk]
    assert [hit.key for hit in search_cases("냉장고 설치", cases_visible_to(alice), limit=2)] == [
        newer[-1].pk,
        newer[-2].pk,
    ]


def test_postgres_collects_every_match_when_the_date_walk_runs_out_of_time(
    make_case: Callable[..., Case], alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    from soridam.search import backends

    if connection.vendor != "postgresql":
        pytest.skip("the date walk and its fallback are PostgreSQL plans")
    cases = [make_case(f"냉장고 설치 문의 {n}", "설치 날짜를 알려 주세요") for n in range(3)]
    walked = [hit.key for hit in search_cases("냉장고 설치", cases_visible_to(alice))]
    monkeypatch.setattr(backends, "_walk", lambda matches, rows: None)
    assert [hit.key for hit in search_cases("냉장고 설치", cases_visible_to(alice))] == walked
    assert walked == [case.pk for case in reversed(cases)]
