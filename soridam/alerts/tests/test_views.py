"""The bell, the list, following a notification, and the digest choice on the settings page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from soridam.accounts.models import User
from soridam.alerts.models import Alert, AlertKind, AlertSettings
from soridam.cases.models import Case

pytestmark = pytest.mark.django_db


def _alert(recipient: User, case: Case, kind: str = AlertKind.ASSIGNED, **fields: Any) -> Alert:
    return Alert.objects.create(recipient=recipient, case=case, kind=kind, **fields)


def _count_html(client: Client) -> str:
    response = client.get("/workspace/alerts/count/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_the_count_shows_only_my_unread_alerts(
    alice_client: Client, alice: User, bob: User, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    assert 'id="alert-count"' not in _count_html(alice_client)  # nothing to show: no badge
    _alert(alice, case)
    _alert(alice, case, kind=AlertKind.MENTIONED)
    _alert(alice, case, read_at=timezone.now())
    _alert(bob, case)
    assert ">2<" in _count_html(alice_client)


def test_the_count_costs_one_query_beyond_signing_in_however_many_alerts(
    alice_client: Client, alice: User, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    _count_html(alice_client)  # warm the session
    with CaptureQueriesContext(connection) as few:
        _count_html(alice_client)
    Alert.objects.bulk_create([Alert(recipient=alice, case=case, kind=AlertKind.ASSIGNED) for _ in range(150)])
    with CaptureQueriesContext(connection) as many:
        html = _count_html(alice_client)
    assert "99+" in html
    own = [query["sql"] for query in many.captured_queries if "alerts_alert" in query["sql"]]
    assert len(own) == 1
    assert "COUNT(" in own[0].upper()
    # The other two are the session and the signed-in user, which every workspace request loads.
    assert len(few.captured_queries) == len(many.captured_queries) <= 3


def test_every_workspace_page_has_the_bell_polling_the_count_and_costs_no_query_for_it(
    alice_client: Client, alice: User, make_case: Callable[..., Case]
) -> None:
    page = alice_client.get("/workspace/").content.decode()
    assert 'href="/workspace/alerts/"' in page
    assert 'hx-get="/workspace/alerts/count/"' in page
    assert 'hx-trigger="load, every 20s"' in page


def test_the_list_shows_newest_first_and_opening_one_marks_it_read_and_goes_to_the_case(
    alice_client: Client, alice: User, make_case: Callable[..., Case]
) -> None:
    older_case, newer_case = make_case(), make_case(subject="환불해 주세요")
    older = _alert(alice, older_case, created_at=timezone.now() - timedelta(hours=1))
    newer = _alert(alice, newer_case, kind=AlertKind.CUSTOMER_REPLIED)
    page = alice_client.get("/workspace/alerts/").content.decode()
    assert page.index(newer_case.reference) < page.index(older_case.reference)
    assert "고객이 답장했습니다" in page
    assert "나에게 배정됨" in page

    response = alice_client.get(f"/workspace/alerts/{older.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/workspace/cases/{older_case.pk}/"
    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.read_at is not None
    assert newer.read_at is None


def test_mark_all_read_empties_the_count(alice_client: Client, alice: User, make_case: Callable[..., Case]) -> None:
    case = make_case()
    _alert(alice, case)
    _alert(alice, case, kind=AlertKind.REOPENED)
    assert alice_client.post("/workspace/alerts/").status_code == 302
    assert not Alert.objects.filter(read_at__isnull=True).exists()
    assert 'id="alert-count"' not in _count_html(alice_client)


def test_an_agent_cannot_open_someone_elses_alert(
    bob_client: Client, alice: User, make_case: Callable[..., Case]
) -> None:
    alert = _alert(alice, make_case())
    assert bob_client.get(f"/workspace/alerts/{alert.pk}/").status_code == 404
    alert.refresh_from_db()
    assert alert.read_at is None


def test_a_customer_account_gets_no_count(client: Client, make_case: Callable[..., Case]) -> None:
    customer = User.objects.create_user("kimcustomer", password="pw", role="customer")
    client.force_login(customer)
    assert client.get("/workspace/alerts/count/").status_code == 403


def test_the_digest_is_off_by_default_and_turned_on_from_the_settings_page(alice_client: Client, alice: User) -> None:
    page = alice_client.get("/workspace/settings/").content.decode()
    assert 'id="digest-form"' in page
    assert "checked" not in page.split('id="digest-form"')[1].split("</form>")[0]
    alice_client.post("/workspace/alerts/settings/", {"email_digest": "on"})
    assert AlertSettings.objects.get(user=alice).email_digest is True
    alice_client.post("/workspace/alerts/settings/", {})
    assert AlertSettings.objects.get(user=alice).email_digest is False


def test_a_note_from_the_composer_alerts_the_mentioned_teammate_and_names_who_cannot_see_the_case(
    alice_client: Client, alice: User, lena: User, bob: User, make_case: Callable[..., Case]
) -> None:
    User.objects.filter(pk=lena.pk).update(display_name="박리나")
    case = make_case()  # delivery: lena sees it, bob (payments) does not
    data = {"body": "@박리나님, @bob 환불 건 확인 부탁", "internal": "on"}
    response = alice_client.post(f"/workspace/cases/{case.pk}/reply/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "이 케이스를 볼 수 없어 알림을 받지 못한 사람: bob" in response.content.decode()
    assert list(Alert.objects.values_list("recipient__username", "kind")) == [("lena", AlertKind.MENTIONED)]
