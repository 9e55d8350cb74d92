"""Creating, listing and updating cases through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from soridam.accounts.models import Membership, User
from soridam.cases.models import Case, TimelineEvent
from soridam.customers.models import Customer

pytestmark = pytest.mark.django_db

ApiClient = Callable[[User], Client]

NEW_CASE: dict[str, Any] = {
    "subject": "주문 취소가 안 돼요",
    "body": "앱에서 취소 버튼이 보이지 않습니다.",
    "customer": {"name": "박지훈", "phone": "010-1234-5678"},
}


def test_create_case_with_phone_only_customer_uses_defaults_and_returns_201(api_client: ApiClient, alice: User) -> None:
    response = api_client(alice).post("/api/v1/cases", NEW_CASE, "application/json")
    assert response.status_code == 201
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert (case.channel, case.priority, case.category_id, case.team_id) == ("api", "normal", None, None)
    assert case.customer.phone == "01012345678"
    assert body["customer"] == {"id": case.customer_id, "name": "박지훈"}
    assert body["category"] is None
    assert case.messages.get().body == NEW_CASE["body"]
    assert case.events.get().actor == f"user:{alice.pk}"


def test_create_case_for_a_known_email_reuses_the_customer(
    api_client: ApiClient, alice: User, make_case: Callable[..., Case]
) -> None:
    first = make_case(email="kim@example.kr")
    payload = {**NEW_CASE, "customer": {"name": "Kim", "email": "KIM@example.kr"}, "category": "delivery"}
    response = api_client(alice).post("/api/v1/cases", payload, "application/json")
    assert response.status_code == 201
    assert response.json()["customer"]["id"] == first.customer_id
    assert Customer.objects.count() == 1
    assert response.json()["team"] == first.team_id


def test_list_filters_by_stage_status_category_team_and_assignee(
    api_client: ApiClient, alice: User, root: User, make_case: Callable[..., Case]
) -> None:
    delivery = make_case(email="a@example.kr")
    payment = make_case("결제 오류", category="payment", email="b@example.kr")
    client = api_client(root)
    client.patch(f"/api/v1/cases/{delivery.pk}", {"assignee": alice.pk, "priority": "urgent"}, "application/json")

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/cases?{query}")
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert ids("category=payment") == [payment.pk]
    assert ids(f"team={delivery.team_id}") == [delivery.pk]
    assert ids(f"assignee={alice.pk}") == [delivery.pk]
    assert ids("priority=urgent") == [delivery.pk]
    assert ids("stage=intake&status=open") == [delivery.pk, payment.pk]
    assert ids("stage=resolution") == []
    assert ids("channel=web") == [delivery.pk, payment.pk]


def test_list_pages_with_cursor_newest_change_first_without_repeats(
    api_client: ApiClient, root: User, make_case: Callable[..., Case]
) -> None:
    made = [make_case(f"문의 {n}", email=f"c{n}@example.kr").pk for n in range(5)]
    client = api_client(root)
    seen: list[int] = []
    cursor = ""
    for _page in range(3):
        body = client.get(f"/api/v1/cases?limit=2{cursor}").json()
        seen += [item["id"] for item in body["items"]]
        if body["next_cursor"] is None:
            break
        cursor = f"&cursor={body['next_cursor']}"
    assert seen == list(reversed(made))


def test_list_costs_the_same_queries_for_many_cases(
    api_client: ApiClient, root: User, make_case: Callable[..., Case], django_assert_max_num_queries: Any
) -> None:
    for n in range(12):
        make_case(f"문의 {n}", email=f"q{n}@example.kr")
    client = api_client(root)
    # 7: the list's own 4, and the API rate limit's count in the cache table shared by all worker processes.
    with django_assert_max_num_queries(7):
        assert len(client.get("/api/v1/cases?limit=10").json()["items"]) == 10


def test_patch_changes_each_field_through_its_action_and_records_each(
    api_client: ApiClient, lena: User, alice: User, make_case: Callable[..., Case]
) -> None:
    case = make_case(email="kim@example.kr")
    response = api_client(lena).patch(
        f"/api/v1/cases/{case.pk}",
        {"priority": "high", "category": "product", "assignee": alice.pk, "status": "waiting"},
        "application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["priority"], body["category"], body["assignee"], body["status"]) == (
        "high",
        "product",
        alice.pk,
        "waiting",
    )
    kinds = set(TimelineEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert {"priority_changed", "category_changed", "assigned", "status_changed"} <= kinds


def test_patch_with_null_clears_assignee_and_same_value_records_nothing(
    api_client: ApiClient, alice: User, make_case: Callable[..., Case]
) -> None:
    case = make_case(email="kim@example.kr")
    client = api_client(alice)
    client.patch(f"/api/v1/cases/{case.pk}", {"assignee": alice.pk}, "application/json")
    before = case.events.count()
    response = client.patch(f"/api/v1/cases/{case.pk}", {"assignee": None, "priority": "normal"}, "application/json")
    assert response.json()["assignee"] is None
    assert case.events.count() == before + 1


def test_patch_refusing_one_field_changes_none_of_them(
    api_client: ApiClient, alice: User, bob: User, make_case: Callable[..., Case]
) -> None:
    case = make_case(email="kim@example.kr")
    response = api_client(alice).patch(
        f"/api/v1/cases/{case.pk}", {"priority": "urgent", "assignee": bob.pk}, "application/json"
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["assignee"]
    case.refresh_from_db()
    assert (case.priority, case.assignee_id) == ("normal", None)


def test_patch_team_to_a_team_the_agent_is_not_in_is_refused(
    api_client: ApiClient, alice: User, teams: dict[str, Any], make_case: Callable[..., Case]
) -> None:
    case = make_case(email="kim@example.kr")
    response = api_client(alice).patch(f"/api/v1/cases/{case.pk}", {"team": teams["payments"].pk}, "application/json")
    assert (response.status_code, list(response.json()["fields"])) == (422, ["team"])
    Membership.objects.create(user=alice, team=teams["payments"])
    moved = api_client(alice).patch(f"/api/v1/cases/{case.pk}", {"team": teams["payments"].pk}, "application/json")
    assert moved.json()["team"] == teams["payments"].pk


def test_transition_back_with_a_reason_is_allowed(
    api_client: ApiClient, alice: User, make_case: Callable[..., Case]
) -> None:
    case = make_case(email="kim@example.kr")
    client = api_client(alice)
    client.post(f"/api/v1/cases/{case.pk}/transition", {"to": "investigation"}, "application/json")
    response = client.post(
        f"/api/v1/cases/{case.pk}/transition", {"to": "classification", "reason": "Wrong category"}, "application/json"
    )
    assert response.status_code == 200
    assert response.json()["stage"] == "classification"
    assert case.events.filter(kind="stage_changed").last().reason == "Wrong category"  # type: ignore[union-attr]
