"""Bulk actions in the inbox: each case changed through the actions in its own transaction, out-of-scope
cases skipped, a refusal on one case reported without undoing the others, and merging duplicates."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.audit.models import AuditEntry
from soridam.cases import actions
from soridam.cases.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_client(alice: User) -> Client:
    alice.language = "en"  # the messages below are asserted in English
    alice.save()
    client = Client()
    client.force_login(alice)
    return client


def _post(client: Client, cases: list[Case], action: str, **values: object) -> str:
    data = {"cases": [case.pk for case in cases], "action": action, "next": "/workspace/?view=mine", **values}
    response = client.post("/workspace/bulk/", data)
    assert response.status_code == 302
    assert response["Location"] == "/workspace/?view=mine"
    return client.get(response["Location"]).content.decode()


def test_bulk_assign_changes_each_case_and_records_it_per_case(
    alice: User, lena: User, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    cases = [make_case(subject=f"case {n}") for n in range(3)]
    page = _post(alice_client, cases, "assign", assignee=lena.pk)
    assert "3 cases changed." in page
    for case in cases:
        case.refresh_from_db()
        assert case.assignee == lena
        assert case.events.get(kind="assigned").to_value == "lena"
        assert AuditEntry.objects.filter(stream=f"cases.case:{case.pk}", action="case.assign").count() == 1


def test_out_of_scope_cases_are_skipped(alice_client: Client, make_case: Callable[..., Case]) -> None:
    mine, payments = make_case(), make_case(category="payment")
    page = _post(alice_client, [mine, payments], "priority", priority="urgent")
    assert "1 case changed." in page
    assert payments.reference not in page
    mine.refresh_from_db()
    payments.refresh_from_db()
    assert (mine.priority, payments.priority) == ("urgent", "normal")
    assert list(payments.events.values_list("kind", flat=True)) == ["created"]


def test_a_refusal_on_one_case_is_reported_and_the_others_still_change(
    root: User, lena: User, make_case: Callable[..., Case]
) -> None:
    client = Client()
    client.force_login(root)
    root.language = "en"
    root.save()
    payments, delivery = make_case(category="payment"), make_case()
    page = _post(client, [payments, delivery], "assign", assignee=lena.pk)
    assert "1 case changed." in page
    assert f"{payments.reference}: lena cannot work on this team&#x27;s cases." in page
    payments.refresh_from_db()
    delivery.refresh_from_db()
    assert (payments.assignee, delivery.assignee) == (None, lena)
    assert not payments.events.filter(kind="assigned").exists()


def test_bulk_merge_merges_into_the_oldest_selected_case(
    alice: User, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    oldest, newer = make_case(subject="first"), make_case(subject="again")
    page = _post(alice_client, [newer, oldest], "merge")
    assert "1 case changed." in page
    newer.refresh_from_db()
    assert (newer.status, newer.related_case) == ("merged", oldest)
    assert oldest.events.get(kind="merged").from_value == newer.reference
    assert newer.events.get(kind="merged").to_value == oldest.reference


def test_merging_needs_two_cases_in_scope(alice_client: Client, make_case: Callable[..., Case]) -> None:
    mine, payments = make_case(), make_case(category="payment")
    _post(alice_client, [mine, payments], "merge")
    payments.refresh_from_db()
    mine.refresh_from_db()
    assert (mine.status, payments.status) == ("open", "open")
    assert "Select at least two cases to merge." in _post(alice_client, [mine], "merge")


def test_a_bulk_action_without_a_value_changes_nothing(alice_client: Client, make_case: Callable[..., Case]) -> None:
    case = make_case()
    assert "Choose the value to set." in _post(alice_client, [case], "status")
    assert list(case.events.values_list("kind", flat=True)) == ["created"]


def test_a_next_address_off_the_workspace_is_not_followed(alice_client: Client, make_case: Callable[..., Case]) -> None:
    data = {"cases": [make_case().pk], "action": "priority", "priority": "high", "next": "https://evil.test/"}
    assert alice_client.post("/workspace/bulk/", data)["Location"] == "/workspace/"


def test_a_merged_case_page_links_to_the_case_it_was_merged_into(
    alice: User, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    target, duplicate = make_case(), make_case()
    actions.merge_cases(target, [duplicate], actor=Actor(user=alice))
    html = alice_client.get(f"/workspace/cases/{duplicate.pk}/").content.decode()
    assert f'<dt>Merged into</dt><dd><a href="/workspace/cases/{target.pk}/">{target.reference}</a></dd>' in html
