"""What one intake costs the database: the statements of the API create and of the complaint form
(issue 13 §2). Each count is the whole request, rate limit and authentication included, for a case that
starts SLA clocks and is acknowledged; it must not creep back. Every guarantee is checked beside it:
the case, its message, timeline, audit, clocks and outbox rows are stored."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from soridam.accounts.models import Team, User
from soridam.audit.models import AuditEntry
from soridam.cases.models import Case, Category
from soridam.notifications.models import OutboundMessage
from soridam.sla.models import BusinessCalendar, SlaPolicy, WorkingHours

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_rate_window() -> Iterator[None]:
    """Rate limits count per clock minute: every request here falls in the same one (a new window's first
    request takes a new block of hits, two statements more)."""
    with time_machine.travel(datetime(2026, 11, 23, 1, 0, 10, tzinfo=UTC), tick=False):
        yield


# A returning customer on PostgreSQL: the customer lookup, one SELECT for the case number and every id the
# intake needs, then one round trip with all the rows (case, clocks, message, timeline, audit, outbox, task
# rows; ``lib.rows.together``). The token was checked by the client's previous request (``user_for_token``).
API_STATEMENTS_RETURNING = 3
# A new customer adds the customer and its identity.
API_STATEMENTS_NEW = 5
# The form has no token; its rate limit counts in blocks of one (10 a minute), two statements.
FORM_STATEMENTS_RETURNING = 5


def _numbering() -> int:
    """Statements beyond those on PostgreSQL: SQLite has no sequences to reserve ids from, so each row is its
    own INSERT (six more than the one round trip) and the case number's counter row is three, not one."""
    return 0 if connection.vendor == "postgresql" else 8


@pytest.fixture
def policy(teams: dict[str, Team]) -> SlaPolicy:
    calendar = BusinessCalendar.objects.create(name="Seoul", is_default=True)
    WorkingHours.objects.bulk_create(
        WorkingHours(calendar=calendar, weekday=day, start=time(9), end=time(18)) for day in range(7)
    )
    return SlaPolicy.objects.create(name="Standard", first_response_minutes=240, resolution_minutes=960)


def _payload(email: str) -> dict[str, Any]:
    return {
        "subject": "배송이 늦어요",
        "body": "주문한 상품이 일주일째 오지 않습니다.",
        "customer": {"name": "이서준", "email": email},
        "category": "delivery",
    }


def _statements(ctx: CaptureQueriesContext) -> list[str]:
    """What reached the database, without the savepoints that stand in, under the test's transaction, for
    a served request's BEGIN and COMMIT (two statements more in production)."""
    return [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]


def _assert_stored_whole(case: Case) -> None:
    assert case.messages.count() == 1
    assert case.events.filter(kind="created").count() == 1
    assert AuditEntry.objects.filter(stream=f"cases.case:{case.pk}", action="case.created").count() == 1
    assert OutboundMessage.objects.filter(case=case, kind="case_opened").count() == 1
    assert case.sla.first_response_due is not None
    assert case.sla_due_at == case.sla.first_response_due  # stored with the case, not updated after it


def test_api_create_runs_three_statements_for_a_returning_customer(
    api_client: Callable[[User], Client], alice: User, policy: SlaPolicy, django_capture_on_commit_callbacks: Any
) -> None:
    client = api_client(alice)
    assert client.post("/api/v1/cases", _payload("seo@example.kr"), "application/json").status_code == 201
    with CaptureQueriesContext(connection) as ctx, django_capture_on_commit_callbacks():
        response = client.post("/api/v1/cases", _payload("seo@example.kr"), "application/json")
    assert response.status_code == 201
    assert len(_statements(ctx)) <= API_STATEMENTS_RETURNING + _numbering(), "\n".join(_statements(ctx))
    _assert_stored_whole(Case.objects.get(pk=response.json()["id"]))


def test_api_create_for_a_new_customer_adds_only_the_customer_rows(
    api_client: Callable[[User], Client], alice: User, policy: SlaPolicy, django_capture_on_commit_callbacks: Any
) -> None:
    client = api_client(alice)
    assert client.post("/api/v1/cases", _payload("first@example.kr"), "application/json").status_code == 201
    with CaptureQueriesContext(connection) as ctx, django_capture_on_commit_callbacks():
        response = client.post("/api/v1/cases", _payload("second@example.kr"), "application/json")
    assert response.status_code == 201
    assert len(_statements(ctx)) <= API_STATEMENTS_NEW + _numbering(), "\n".join(_statements(ctx))
    _assert_stored_whole(Case.objects.get(pk=response.json()["id"]))


def test_api_create_reads_no_category_once_they_are_known(
    api_client: Callable[[User], Client], alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = api_client(alice)
    client.post("/api/v1/cases", _payload("seo@example.kr"), "application/json")
    with CaptureQueriesContext(connection) as ctx, django_capture_on_commit_callbacks():
        response = client.post("/api/v1/cases", _payload("seo@example.kr"), "application/json")
    assert response.json()["category"] == "delivery"
    assert not [sql for sql in _statements(ctx) if 'FROM "cases_category"' in sql]


def test_a_category_switched_off_in_this_process_is_refused_at_once(
    api_client: Callable[[User], Client], alice: User
) -> None:
    client = api_client(alice)
    assert client.post("/api/v1/cases", _payload("seo@example.kr"), "application/json").status_code == 201
    delivery = Category.objects.get(slug="delivery")
    delivery.is_active = False
    delivery.save()
    response = client.post("/api/v1/cases", _payload("seo@example.kr"), "application/json")
    assert response.status_code == 422
    assert "category" in response.json()["fields"]


def test_complaint_form_runs_five_statements_for_a_returning_customer(
    client: Client, policy: SlaPolicy, django_capture_on_commit_callbacks: Any
) -> None:
    data = {"name": "이서준", "email": "seo@example.kr", "category": "delivery", "text": "상품이 오지 않았어요."}
    assert client.post("/complaint/", data).status_code == 302
    with CaptureQueriesContext(connection) as ctx, django_capture_on_commit_callbacks():
        response = client.post("/complaint/", data)
    assert response.status_code == 302
    assert len(_statements(ctx)) <= FORM_STATEMENTS_RETURNING + _numbering(), "\n".join(_statements(ctx))
    _assert_stored_whole(Case.objects.latest("pk"))


def test_complaint_form_refuses_a_category_that_is_not_active(client: Client, teams: dict[str, Team]) -> None:
    Category.objects.get(slug="other").delete()
    data = {"name": "이서준", "email": "seo@example.kr", "category": "other", "text": "상품이 오지 않았어요."}
    response = client.post("/complaint/", data)
    assert response.status_code == 400
    assert not Case.objects.exists()
