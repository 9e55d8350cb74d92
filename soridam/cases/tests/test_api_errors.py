"""Bad input gets a clear 4xx in the one error shape (R-API-3), never a server error, and changes nothing."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from soridam.accounts.models import User
from soridam.cases.models import Case
from soridam.lib.keyset import encode_cursor

pytestmark = pytest.mark.django_db

ApiClient = Callable[[User], Client]
VALID = {"subject": "문의", "body": "내용", "customer": {"name": "김", "email": "kim@example.kr"}}


def _assert_error_shape(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert set(body) >= {"code", "message", "fields", "request_id"}
    assert body["code"] == code
    assert body["message"]
    assert body["request_id"] == response["X-Request-Id"]
    return body


def test_malformed_json_body_is_a_400_in_the_error_shape(api_client: ApiClient, alice: User) -> None:
    response = api_client(alice).post("/api/v1/cases", b'{"subject": "x",', "application/json")
    _assert_error_shape(response, 400, "bad_request")
    assert Case.objects.count() == 0


def test_missing_and_invalid_fields_are_listed_by_name(api_client: ApiClient, alice: User) -> None:
    payload = {"body": "", "customer": {"name": "김", "email": "not-an-address"}, "priority": "someday"}
    body = _assert_error_shape(
        api_client(alice).post("/api/v1/cases", payload, "application/json"), 422, "validation_error"
    )
    assert set(body["fields"]) == {"subject", "body", "customer.email", "priority"}


def test_customer_without_email_or_phone_is_refused(api_client: ApiClient, alice: User) -> None:
    payload = {**VALID, "customer": {"name": "김"}}
    body = _assert_error_shape(
        api_client(alice).post("/api/v1/cases", payload, "application/json"), 422, "validation_error"
    )
    assert list(body["fields"]) == ["customer"]


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"text"', b"null", b"7"])
def test_json_that_is_not_an_object_is_refused(api_client: ApiClient, alice: User, raw: bytes) -> None:
    response = api_client(alice).post("/api/v1/cases", raw, "application/json")
    body = _assert_error_shape(response, 422, "validation_error")
    assert set(body["fields"]) == {"subject", "body", "customer"}


def test_nul_characters_are_refused_before_the_database(api_client: ApiClient, alice: User) -> None:
    payload = {**VALID, "subject": "bad\x00subject"}
    body = _assert_error_shape(
        api_client(alice).post("/api/v1/cases", payload, "application/json"), 422, "validation_error"
    )
    assert list(body["fields"]) == ["subject"]
    lone_surrogate = b'{"subject": "\\ud800", "body": "x", "customer": {"name": "n", "email": "n@example.kr"}}'
    _assert_error_shape(
        api_client(alice).post("/api/v1/cases", lone_surrogate, "application/json"), 422, "validation_error"
    )
    assert Case.objects.count() == 0


def test_unknown_category_is_a_field_error(api_client: ApiClient, alice: User) -> None:
    response = api_client(alice).post("/api/v1/cases", {**VALID, "category": "gardening"}, "application/json")
    body = _assert_error_shape(response, 422, "validation_error")
    assert list(body["fields"]) == ["category"]


def test_unknown_stage_is_a_422_and_refused_move_a_409_with_allowed(
    api_client: ApiClient, alice: User, make_case: Callable[..., Case]
) -> None:
    case = make_case(email="kim@example.kr")
    client = api_client(alice)
    url = f"/api/v1/cases/{case.pk}/transition"
    body = _assert_error_shape(client.post(url, {"to": "limbo"}, "application/json"), 422, "validation_error")
    assert list(body["fields"]) == ["to"]
    body = _assert_error_shape(client.post(url, {"to": "intake"}, "application/json"), 409, "invalid_transition")
    assert body["allowed"] == ["classification", "investigation", "resolution", "notification", "follow_up"]
    assert body["fields"] == {"to": [body["message"]]}
    case.refresh_from_db()
    assert case.stage == "intake"


def test_forged_cursors_are_a_400_not_a_server_error(api_client: ApiClient, root: User) -> None:
    client = api_client(root)
    string_value = encode_cursor("yesterday", 1)
    list_value = base64.urlsafe_b64encode(json.dumps([[1], 2]).encode()).decode()
    for cursor in ("%%%", "bm90IGpzb24", string_value, list_value):
        response = client.get("/api/v1/cases", {"cursor": cursor})
        body = _assert_error_shape(response, 400, "bad_cursor")
        assert list(body["fields"]) == ["cursor"]


def test_out_of_range_ids_and_limits_are_422(api_client: ApiClient, root: User) -> None:
    client = api_client(root)
    _assert_error_shape(client.get("/api/v1/cases/0"), 422, "validation_error")
    _assert_error_shape(client.get(f"/api/v1/cases/{2**64}"), 422, "validation_error")
    _assert_error_shape(client.get("/api/v1/cases?limit=1000"), 422, "validation_error")
    _assert_error_shape(client.get("/api/v1/cases/abc"), 422, "validation_error")


def test_missing_case_and_unknown_path_are_404_in_the_error_shape(api_client: ApiClient, root: User) -> None:
    client = api_client(root)
    _assert_error_shape(client.get("/api/v1/cases/987654"), 404, "not_found")
    _assert_error_shape(client.get("/api/v1/no/such/thing"), 404, "not_found")


def test_oversized_body_is_413(api_client: ApiClient, alice: User, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    payload = {**VALID, "body": "가" * 2000}
    _assert_error_shape(api_client(alice).post("/api/v1/cases", payload, "application/json"), 413, "too_large")
    headers = {"HTTP_IDEMPOTENCY_KEY": "big-1"}
    _assert_error_shape(
        api_client(alice).post("/api/v1/cases", payload, "application/json", **headers), 413, "too_large"
    )
    assert Case.objects.count() == 0


def test_rate_limit_answers_429_with_retry_after(api_client: ApiClient, alice: User, settings: Any) -> None:
    settings.SORIDAM_RATE_LIMITS = {**settings.SORIDAM_RATE_LIMITS, "api": 2}
    client = api_client(alice)
    assert client.get("/api/v1/cases").status_code == 200
    assert client.get("/api/v1/cases").status_code == 200
    response = client.get("/api/v1/cases")
    _assert_error_shape(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60


def test_unauthenticated_requests_are_rate_limited_per_address(client: Client, settings: Any, db: None) -> None:
    settings.SORIDAM_RATE_LIMITS = {**settings.SORIDAM_RATE_LIMITS, "api": 1}
    assert client.get("/api/v1/cases").status_code == 401
    _assert_error_shape(client.get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer nope"), 429, "rate_limited")


def test_wrong_method_is_a_405_in_the_error_shape(api_client: ApiClient, root: User) -> None:
    response = api_client(root).delete("/api/v1/cases")
    _assert_error_shape(response, 405, "method_not_allowed")
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}
