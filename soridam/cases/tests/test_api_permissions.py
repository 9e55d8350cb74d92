"""Who may reach which case through the API (issue 3, item 5): agents by team, customers by ownership."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from soridam.accounts.models import Role, User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, Message, MessageKind
from soridam.customers.models import Customer

pytestmark = pytest.mark.django_db

ApiClient = Callable[[User], Client]


def _customer_account(case: Case, username: str) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username, role=Role.CUSTOMER)
    Customer.objects.filter(pk=case.customer_id).update(user=user)
    return user


@pytest.fixture
def delivery_case(make_case: Callable[..., Case], alice: User) -> Case:
    case = make_case(email="kim@example.kr", name="김민지")
    actions.add_note(case, "Courier says the customer refused the parcel.", actor=Actor(user=alice))
    actions.reply(case, "We are looking into it.", actor=Actor(user=alice))
    return case


def test_agent_of_another_team_gets_404_for_a_delivery_case_by_id(
    api_client: ApiClient, bob: User, delivery_case: Case
) -> None:
    client = api_client(bob)
    for path in ("", "/messages", "/timeline"):
        response = client.get(f"/api/v1/cases/{delivery_case.pk}{path}")
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    assert client.patch(f"/api/v1/cases/{delivery_case.pk}", {"priority": "low"}, "application/json").status_code == 404
    moved = client.post(f"/api/v1/cases/{delivery_case.pk}/transition", {"to": "classification"}, "application/json")
    assert moved.status_code == 404
    assert client.post(f"/api/v1/cases/{delivery_case.pk}/reply", {"body": "hi"}, "application/json").status_code == 404
    delivery_case.refresh_from_db()
    assert (delivery_case.priority, delivery_case.stage) == ("normal", "intake")
    assert delivery_case.messages.count() == 3


def test_agent_of_another_team_does_not_see_the_delivery_case_in_the_list(
    api_client: ApiClient, bob: User, alice: User, delivery_case: Case, make_case: Callable[..., Case]
) -> None:
    payment_case = make_case("결제가 두 번 됐어요", category="payment", email="lee@example.kr")
    bob_ids = [item["id"] for item in api_client(bob).get("/api/v1/cases").json()["items"]]
    alice_ids = [item["id"] for item in api_client(alice).get("/api/v1/cases").json()["items"]]
    assert bob_ids == [payment_case.pk]
    assert alice_ids == [delivery_case.pk]


def test_customer_token_gets_404_for_another_customers_case(
    api_client: ApiClient, delivery_case: Case, make_case: Callable[..., Case]
) -> None:
    other = make_case("환불 요청", category="refund_return", email="lee@example.kr", name="이서준")
    client = api_client(_customer_account(delivery_case, "kim"))
    response = client.get(f"/api/v1/cases/{other.pk}")
    assert response.status_code == 404
    assert client.get(f"/api/v1/cases/{other.pk}/messages").status_code == 404
    assert client.post(f"/api/v1/cases/{other.pk}/reply", {"body": "me too"}, "application/json").status_code == 404
    assert [item["id"] for item in client.get("/api/v1/cases").json()["items"]] == [delivery_case.pk]
    assert other.messages.count() == 1


def test_customer_token_sees_its_own_case_without_internal_notes(api_client: ApiClient, delivery_case: Case) -> None:
    client = api_client(_customer_account(delivery_case, "kim"))
    assert client.get(f"/api/v1/cases/{delivery_case.pk}").json()["reference"] == delivery_case.reference
    messages = client.get(f"/api/v1/cases/{delivery_case.pk}/messages").json()["items"]
    assert [m["kind"] for m in messages] == ["customer", "reply"]
    assert all("Courier" not in m["body"] for m in messages)
    events = client.get(f"/api/v1/cases/{delivery_case.pk}/timeline").json()["items"]
    assert [e["kind"] for e in events] == ["created", "reply"]
    assert all(e["is_public"] for e in events)


def test_customer_token_reply_is_stored_as_the_customers_message(api_client: ApiClient, delivery_case: Case) -> None:
    client = api_client(_customer_account(delivery_case, "kim"))
    response = client.post(f"/api/v1/cases/{delivery_case.pk}/reply", {"body": "Thank you!"}, "application/json")
    assert response.status_code == 201
    stored = Message.objects.get(pk=response.json()["id"])
    assert (stored.kind, stored.author_customer_id, stored.author_user_id) == (
        MessageKind.CUSTOMER,
        delivery_case.customer_id,
        None,
    )


def test_customer_token_cannot_write_notes_or_change_the_case(api_client: ApiClient, delivery_case: Case) -> None:
    client = api_client(_customer_account(delivery_case, "kim"))
    url = f"/api/v1/cases/{delivery_case.pk}"
    note = client.post(f"{url}/notes", {"body": "sneaky"}, "application/json")
    assert (note.status_code, note.json()["code"]) == (403, "forbidden")
    assert client.patch(url, {"status": "closed"}, "application/json").status_code == 403
    assert client.post(f"{url}/transition", {"to": "resolution"}, "application/json").status_code == 403
    assert client.get("/api/v1/customers").status_code == 403
    created = client.post(
        "/api/v1/cases",
        {"subject": "x", "body": "y", "customer": {"name": "n", "email": "n@example.kr"}},
        "application/json",
    )
    assert created.status_code == 403
    delivery_case.refresh_from_db()
    assert (delivery_case.status, delivery_case.stage) == ("open", "intake")
    assert delivery_case.messages.filter(kind="note").count() == 1
    assert Case.objects.count() == 1


def test_agent_may_work_on_unteamed_cases_and_admin_on_every_case(
    api_client: ApiClient, bob: User, root: User, make_case: Callable[..., Case]
) -> None:
    unteamed = make_case("기타 문의", category="other", email="park@example.kr")
    delivery = make_case(email="kim@example.kr")
    assert unteamed.team_id is None
    assert api_client(bob).get(f"/api/v1/cases/{unteamed.pk}").status_code == 200
    admin_ids = {item["id"] for item in api_client(root).get("/api/v1/cases").json()["items"]}
    assert admin_ids == {unteamed.pk, delivery.pk}


def test_customer_timeline_hides_the_staffs_reasons(api_client: ApiClient, alice: User, delivery_case: Case) -> None:
    actor = Actor(user=alice)
    actions.change_stage(delivery_case, "investigation", actor=actor)
    actions.change_stage(delivery_case, "classification", actor=actor, reason="Courier blamed, check the depot")
    staff_events = api_client(alice).get(f"/api/v1/cases/{delivery_case.pk}/timeline").json()["items"]
    assert staff_events[-1]["reason"] == "Courier blamed, check the depot"
    client = api_client(_customer_account(delivery_case, "kim"))
    events = client.get(f"/api/v1/cases/{delivery_case.pk}/timeline").json()["items"]
    assert [(e["kind"], e["from"], e["to"]) for e in events[-2:]] == [
        ("stage_changed", "intake", "investigation"),
        ("stage_changed", "investigation", "classification"),
    ]
    assert all(e["reason"] == "" for e in events)
