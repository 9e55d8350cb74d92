"""Idempotency-Key on POST and PATCH (R-API-4): a repeat replays the first answer and creates nothing more."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from soridam.accounts.models import User
from soridam.cases.models import Case, Message
from soridam.idempotency.guard import CLAIM_GRACE, KEEP_FOR
from soridam.idempotency.models import IdempotencyRecord
from soridam.sla.periodic import SCHEDULE, run_due

pytestmark = pytest.mark.django_db

ApiClient = Callable[[User], Client]
NEW_CASE = {
    "subject": "배송 지연",
    "body": "아직 안 왔어요.",
    "customer": {"name": "김민지", "email": "kim@example.kr"},
}


def _post(client: Client, path: str, payload: Any, key: str) -> Any:
    return client.post(path, json.dumps(payload), "application/json", HTTP_IDEMPOTENCY_KEY=key)


def test_same_key_and_body_twice_returns_the_first_response_and_creates_one_case(
    api_client: ApiClient, alice: User
) -> None:
    client = api_client(alice)
    first = _post(client, "/api/v1/cases", NEW_CASE, "order-7781-a")
    second = _post(client, "/api/v1/cases", NEW_CASE, "order-7781-a")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1
    assert Message.objects.count() == 1
    record = IdempotencyRecord.objects.get()
    assert (record.user_id, record.method, record.path, record.status_code) == (alice.pk, "POST", "/api/v1/cases", 201)
    assert record.request_hash == hashlib.sha256(json.dumps(NEW_CASE).encode()).hexdigest()


def test_same_key_with_a_different_body_is_refused_with_422(api_client: ApiClient, alice: User) -> None:
    client = api_client(alice)
    _post(client, "/api/v1/cases", NEW_CASE, "key-1")
    response = _post(client, "/api/v1/cases", {**NEW_CASE, "subject": "다른 문의"}, "key-1")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Case.objects.count() == 1


def test_same_key_on_a_different_path_is_refused(
    api_client: ApiClient, alice: User, make_case: Callable[..., Case]
) -> None:
    case = make_case(email="lee@example.kr")
    client = api_client(alice)
    assert _post(client, f"/api/v1/cases/{case.pk}/reply", {"body": "hi"}, "shared").status_code == 201
    response = _post(client, f"/api/v1/cases/{case.pk}/notes", {"body": "hi"}, "shared")
    assert response.json()["code"] == "idempotency_key_reused"
    assert case.messages.filter(kind="note").count() == 0


def test_a_duplicate_while_the_first_is_still_running_gets_409(api_client: ApiClient, alice: User) -> None:
    body = json.dumps(NEW_CASE).encode()
    IdempotencyRecord.objects.create(
        user=alice, key="busy", method="POST", path="/api/v1/cases", request_hash=hashlib.sha256(body).hexdigest()
    )
    response = api_client(alice).post("/api/v1/cases", body, "application/json", HTTP_IDEMPOTENCY_KEY="busy")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_in_flight"
    assert Case.objects.count() == 0


def test_an_abandoned_claim_is_taken_over_and_run(api_client: ApiClient, alice: User) -> None:
    body = json.dumps(NEW_CASE).encode()
    IdempotencyRecord.objects.create(
        user=alice,
        key="crashed",
        method="POST",
        path="/api/v1/cases",
        request_hash=hashlib.sha256(body).hexdigest(),
        created_at=timezone.now() - CLAIM_GRACE - timedelta(seconds=1),
    )
    response = api_client(alice).post("/api/v1/cases", body, "application/json", HTTP_IDEMPOTENCY_KEY="crashed")
    assert response.status_code == 201
    assert IdempotencyRecord.objects.get().status_code == 201


def test_a_key_older_than_24_hours_runs_the_request_again(api_client: ApiClient, alice: User) -> None:
    client = api_client(alice)
    _post(client, "/api/v1/cases", NEW_CASE, "old")
    IdempotencyRecord.objects.update(created_at=timezone.now() - KEEP_FOR - timedelta(minutes=1))
    again = _post(client, "/api/v1/cases", NEW_CASE, "old")
    assert again.status_code == 201
    assert not again.has_header("Idempotent-Replayed")
    assert Case.objects.count() == 2


def test_a_failed_request_does_not_use_up_its_key(api_client: ApiClient, alice: User) -> None:
    client = api_client(alice)
    refused = _post(client, "/api/v1/cases", {**NEW_CASE, "subject": ""}, "retry-me")
    assert refused.status_code == 422
    assert IdempotencyRecord.objects.count() == 0
    assert _post(client, "/api/v1/cases", NEW_CASE, "retry-me").status_code == 201


def test_keys_belong_to_one_user(api_client: ApiClient, alice: User, lena: User) -> None:
    assert _post(api_client(alice), "/api/v1/cases", NEW_CASE, "mine").status_code == 201
    other = _post(api_client(lena), "/api/v1/cases", NEW_CASE, "mine")
    assert other.status_code == 201
    assert not other.has_header("Idempotent-Replayed")
    assert Case.objects.count() == 2


def test_patch_is_replayed_too(api_client: ApiClient, alice: User, make_case: Callable[..., Case]) -> None:
    case = make_case(email="lee@example.kr")
    client = api_client(alice)
    url = f"/api/v1/cases/{case.pk}"
    first = client.patch(url, {"priority": "high"}, "application/json", HTTP_IDEMPOTENCY_KEY="p1")
    client.patch(url, {"priority": "low"}, "application/json")
    replay = client.patch(url, {"priority": "high"}, "application/json", HTTP_IDEMPOTENCY_KEY="p1")
    assert replay.json() == first.json()
    case.refresh_from_db()
    assert case.priority == "low"
    assert case.events.filter(kind="priority_changed").count() == 2


def test_a_bad_key_is_a_400_and_unauthenticated_requests_are_401(
    api_client: ApiClient, alice: User, client: Client
) -> None:
    response = _post(api_client(alice), "/api/v1/cases", NEW_CASE, "x" * 256)
    assert (response.status_code, response.json()["code"]) == (400, "invalid_idempotency_key")
    assert _post(client, "/api/v1/cases", NEW_CASE, "anon").status_code == 401
    assert Case.objects.count() == IdempotencyRecord.objects.count() == 0


def test_get_requests_ignore_the_header(api_client: ApiClient, alice: User) -> None:
    response = api_client(alice).get("/api/v1/cases", HTTP_IDEMPOTENCY_KEY="read")
    assert response.status_code == 200
    assert IdempotencyRecord.objects.count() == 0


def test_the_key_costs_only_a_claim_and_a_store_on_intake(api_client: ApiClient, alice: User) -> None:
    client = api_client(alice)
    client.post("/api/v1/cases", NEW_CASE, "application/json")  # warm up: token stamp, case number counter
    plain_case = {**NEW_CASE, "customer": {"name": "A", "email": "a@example.kr"}}
    keyed_case = {**NEW_CASE, "customer": {"name": "B", "email": "b@example.kr"}}
    with CaptureQueriesContext(connection) as plain:
        assert client.post("/api/v1/cases", plain_case, "application/json").status_code == 201
    with CaptureQueriesContext(connection) as keyed:
        assert _post(client, "/api/v1/cases", keyed_case, "count-me").status_code == 201
    extra = [q["sql"].split()[0] for q in keyed.captured_queries[len(plain.captured_queries) :]]
    # The claim (savepoint, INSERT, release), the transaction around the operation, the UPDATE storing it,
    # and on PostgreSQL the row lock that tells a running claim from one whose process died.
    assert len(keyed) - len(plain) <= (7 if connection.features.has_select_for_update else 6), extra


def test_purge_command_deletes_only_expired_records(api_client: ApiClient, alice: User) -> None:
    client = api_client(alice)
    _post(client, "/api/v1/cases", NEW_CASE, "keep")
    _post(client, "/api/v1/cases", {**NEW_CASE, "subject": "또"}, "drop")
    IdempotencyRecord.objects.filter(key="drop").update(created_at=timezone.now() - KEEP_FOR - timedelta(hours=1))
    out = StringIO()
    call_command("purge_idempotency_keys", stdout=out)
    assert "Deleted 1 " in out.getvalue()
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["keep"]


def test_the_scheduler_purges_expired_records_daily(api_client: ApiClient, alice: User) -> None:
    client = api_client(alice)
    _post(client, "/api/v1/cases", NEW_CASE, "old")
    IdempotencyRecord.objects.update(created_at=timezone.now() - KEEP_FOR - timedelta(hours=1))
    purge = [job for job in SCHEDULE if job.name == "idempotency_purge"]
    assert purge[0].every == timedelta(hours=24)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert run_due(schedule=purge) == ["idempotency_purge"]
    assert not IdempotencyRecord.objects.exists()
