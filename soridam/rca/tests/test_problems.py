"""Problem records: transitions, linking through the case actions, access, recurrence, the fix message, and
the cause code asked for at solve and close."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases.errors import InvalidChange, InvalidTransition
from soridam.cases.models import Case, EventKind, Status
from soridam.notifications.models import NotificationKind, OutboundMessage
from soridam.rca import actions
from soridam.rca.access import problems_visible_to
from soridam.rca.models import CaseCause, MatchState, Problem, ProblemMatch, ProblemStatus


def new_problem(actor: User, cases: list[Case] = (), **details: Any) -> Problem:  # type: ignore[assignment]
    return actions.create_problem(
        actions.ProblemDetails(title="박스 파손", **details), actor=Actor(user=actor), cases=cases
    )


def test_status_moves_follow_the_transition_table_and_are_recorded(alice: User) -> None:
    problem = new_problem(alice)
    with pytest.raises(InvalidTransition):
        actions.move_problem(problem, ProblemStatus.VERIFIED, actor=Actor(user=alice))
    for to in (ProblemStatus.INVESTIGATING, ProblemStatus.FIXING, ProblemStatus.RESOLVED, ProblemStatus.VERIFIED):
        actions.move_problem(problem, to, actor=Actor(user=alice))
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.VERIFIED
    assert problem.resolved_at is not None
    assert [e.after for e in problem.events.filter(kind="status")] == [
        "investigating",
        "fixing",
        "resolved",
        "verified",
    ]
    with pytest.raises(InvalidTransition):
        actions.move_problem(problem, ProblemStatus.OPEN, actor=Actor(user=alice))


def test_linking_a_case_writes_its_timeline_and_audit(alice: User, make_case: Callable[..., Case]) -> None:
    case = make_case()
    problem = new_problem(alice, [case])
    assert case.events.filter(kind=EventKind.PROBLEM_LINKED, to_value=str(problem.pk)).exists()
    assert case.problems.get() == problem
    assert actions.unlink_case(problem, case, actor=Actor(user=alice))
    assert case.events.filter(kind=EventKind.PROBLEM_UNLINKED).exists()
    assert list(problem.events.values_list("kind", flat=True)) == ["created", "linked", "unlinked"]


def test_agents_see_the_problems_of_cases_they_can_see(
    alice: User, bob: User, root: User, make_case: Callable[..., Case], client: Client
) -> None:
    delivery = make_case(category="delivery")
    problem = new_problem(root, [delivery])
    assert list(problems_visible_to(alice)) == [problem]
    assert list(problems_visible_to(bob)) == []
    client.force_login(bob)
    assert client.get(f"/workspace/problems/{problem.pk}/").status_code == 404
    client.force_login(alice)
    page = client.get(f"/workspace/problems/{problem.pk}/")
    assert page.status_code == 200
    assert delivery.reference in page.content.decode()


@pytest.mark.parametrize(("days_after", "recurs"), [(0, False), (1, True), (90, True), (91, False)])
def test_a_case_within_90_days_after_the_resolution_is_a_recurrence(
    alice: User, make_case: Callable[..., Case], days_after: int, recurs: bool
) -> None:
    problem = new_problem(alice)
    for to in (ProblemStatus.INVESTIGATING, ProblemStatus.RESOLVED):
        actions.move_problem(problem, to, actor=Actor(user=alice))
    assert problem.resolved_at is not None
    filed = problem.resolved_at + timedelta(days=days_after)
    assert actions.is_recurrence(problem, filed) is recurs


def test_the_third_recurrence_reopens_the_problem_and_alerts_its_owner(
    alice: User, lena: User, make_case: Callable[..., Case]
) -> None:
    problem = new_problem(alice, owner=lena)
    for to in (ProblemStatus.INVESTIGATING, ProblemStatus.RESOLVED):
        actions.move_problem(problem, to, actor=Actor(user=alice))
    for n in range(3):
        case = make_case(subject=f"박스 파손 {n}")
        actions.record_match(problem, case)
        problem.refresh_from_db()
        assert problem.status == (ProblemStatus.INVESTIGATING if n == 2 else ProblemStatus.RESOLVED)
    assert lena.alerts.filter(kind="problem_recurred", detail=str(problem.pk)).count() == 1


def test_the_recurrence_scan_suggests_similar_new_cases_with_the_case_search(
    alice: User, make_case: Callable[..., Case], settings: Any
) -> None:
    settings.SORIDAM_SEARCH_EMBEDDINGS = False
    problem = new_problem(alice, match_terms="박스 파손")
    similar = make_case("박스가 파손되어 왔어요", "택배 박스 파손이 심합니다")
    make_case("환불 문의", "결제를 취소하고 싶어요")
    from soridam.rca.recurrence import scan_new_cases

    assert scan_new_cases(now=timezone.now() + timedelta(hours=1)) == 1
    match = ProblemMatch.objects.get(problem=problem)
    assert match.case == similar
    assert match.state == MatchState.SUGGESTED
    assert not match.is_recurrence


def test_the_fix_message_goes_once_per_customer_and_lands_on_each_case(
    alice: User, lena: User, make_case: Callable[..., Case]
) -> None:
    first = make_case(email="kim@example.kr")
    second = make_case(subject="또 파손", email="kim@example.kr")
    other = make_case(email="lee@example.kr", name="이서연")
    problem = new_problem(alice, [first, second, other])
    with pytest.raises(InvalidChange):
        actions.announce_fix(problem, actor=Actor(user=lena))  # not resolved yet
    actions.move_problem(problem, ProblemStatus.FIXING, actor=Actor(user=alice))
    actions.move_problem(problem, ProblemStatus.RESOLVED, actor=Actor(user=alice))
    with pytest.raises(InvalidChange):
        actions.announce_fix(problem, actor=Actor(user=alice))  # agents may not
    assert actions.announce_fix(problem, actor=Actor(user=lena)) == 2
    sent = OutboundMessage.objects.filter(kind=NotificationKind.FIX_SHIPPED)
    assert sorted(sent.values_list("recipient", flat=True)) == ["kim@example.kr", "lee@example.kr"]
    assert sent.filter(case=second).exists()  # kim's newest case
    for case in (first, second, other):
        assert case.events.filter(kind=EventKind.FIX_ANNOUNCED).count() == 1
    assert actions.announce_fix(problem, actor=Actor(user=lena)) == 0  # nobody is told twice
    assert sent.count() == 2


def test_solving_on_the_case_page_asks_for_the_cause(
    alice: User, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    refused = alice_client.post(f"/workspace/cases/{case.pk}/status/", {"status": "solved"})
    assert refused.status_code == 400
    case.refresh_from_db()
    assert case.status == Status.OPEN
    done = alice_client.post(f"/workspace/cases/{case.pk}/status/", {"status": "solved", "cause": "logistics"})
    assert done.status_code in (200, 302)
    case.refresh_from_db()
    assert case.status == Status.SOLVED
    assert CaseCause.objects.get(case=case).code == "logistics"
    assert case.events.filter(kind=EventKind.CAUSE_SET, to_value="logistics").exists()


def test_send_solved_in_the_composer_asks_for_the_cause_but_plain_send_does_not(
    alice_client: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    url = f"/workspace/cases/{case.pk}/reply/"
    assert alice_client.post(url, {"body": "확인했습니다", "then": "solved"}).status_code == 400
    assert alice_client.post(url, {"body": "확인했습니다", "then": ""}).status_code in (200, 302)
    assert alice_client.post(url, {"body": "처리했습니다", "then": "solved", "cause": "process"}).status_code in (
        200,
        302,
    )
    case.refresh_from_db()
    assert case.status == Status.SOLVED


def test_the_api_closes_without_a_cause(
    alice: User, api_client: Callable[[User], Client], make_case: Callable[..., Case]
) -> None:
    case = make_case()
    answer = api_client(alice).patch(f"/api/v1/cases/{case.pk}", {"status": "closed"}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert not CaseCause.objects.filter(case=case).exists()


def test_the_case_page_section_shows_linked_and_suggested_problems_to_those_who_may_see_them(
    alice: User, bob: User, make_case: Callable[..., Case], client: Client
) -> None:
    linked_case, new_case = make_case(), make_case("박스 파손 또", "또 파손")
    problem = new_problem(alice, [linked_case])
    actions.record_match(problem, new_case)
    client.force_login(alice)
    section = client.get(f"/workspace/cases/{new_case.pk}/problems/").content.decode()
    assert f"#{problem.pk} 박스 파손" in section
    assert 'name="back"' in section  # the suggestion's link button
    client.post(f"/workspace/problems/{problem.pk}/link/", {"reference": new_case.reference, "back": new_case.pk})
    assert ProblemMatch.objects.get(problem=problem, case=new_case).state == MatchState.LINKED
    client.force_login(bob)
    assert client.get(f"/workspace/cases/{new_case.pk}/problems/").status_code == 404
