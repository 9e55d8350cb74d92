"""Bearer tokens, the public OpenAPI document, and the teams endpoints."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.admin import AdminSite
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from soridam.accounts import access
from soridam.accounts.access import user_for_token
from soridam.accounts.admin import ApiTokenAdmin
from soridam.accounts.models import ApiToken, Role, Team, User, hash_token

pytestmark = pytest.mark.django_db

ApiClient = Callable[[User], Client]


def test_requests_without_a_token_get_401_in_the_error_shape(client: Client) -> None:
    response = client.get("/api/v1/cases")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    body = response.json()
    assert body["code"] == "unauthorized"
    assert body["request_id"] == response["X-Request-Id"]


@pytest.mark.parametrize("header", ["Bearer sd_not-a-real-token", "Basic YWxpY2U6cHc=", "Bearer ", "sd_x"])
def test_bad_tokens_get_401(client: Client, alice: User, header: str) -> None:
    assert client.get("/api/v1/teams", HTTP_AUTHORIZATION=header).status_code == 401


def test_revoked_token_and_inactive_user_get_401(alice: User, bob: User) -> None:
    revoked, raw_revoked = ApiToken.issue(alice)
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    _token, raw_inactive = ApiToken.issue(bob)
    User.objects.filter(pk=bob.pk).update(is_active=False)
    for raw in (raw_revoked, raw_inactive):
        assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/teams").status_code == 401


def _token_reads(ctx: CaptureQueriesContext) -> int:
    return sum(1 for q in ctx.captured_queries if 'FROM "accounts_apitoken"' in q["sql"])


def test_a_token_is_checked_again_only_after_a_few_seconds(alice: User, monkeypatch: pytest.MonkeyPatch) -> None:
    token, raw = ApiToken.issue(alice)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/teams").status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/teams")
    assert response.status_code == 200
    assert _token_reads(ctx) == 0
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())  # revoked by another process
    assert client.get("/api/v1/teams").status_code == 200  # still remembered here, for a few seconds
    later = time.monotonic() + access.TOKEN_CHECK_SECONDS
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert client.get("/api/v1/teams").status_code == 401


def test_a_remembered_token_still_expires_on_time(alice: User) -> None:
    token, raw = ApiToken.issue(alice)
    expiry = timezone.now() + timedelta(minutes=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=expiry)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/teams").status_code == 200
    with time_machine.travel(expiry + timedelta(seconds=1)):
        assert client.get("/api/v1/teams").status_code == 401


def test_revoking_in_the_admin_takes_effect_at_once(alice: User) -> None:
    token, raw = ApiToken.issue(alice)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/teams").status_code == 200
    ApiTokenAdmin(ApiToken, AdminSite()).revoke(None, ApiToken.objects.filter(pk=token.pk))
    assert client.get("/api/v1/teams").status_code == 401


def test_each_request_gets_its_own_user_object(alice: User) -> None:
    _token, raw = ApiToken.issue(alice)
    first = user_for_token(raw)
    second = user_for_token(raw)
    assert first is not None
    assert second is not None
    assert first is not second
    assert first.pk == second.pk == alice.pk
    assert second.username == "alice"
    assert second._state.adding is False


def test_a_session_login_alone_does_not_open_the_api(client: Client, alice: User) -> None:
    client.force_login(alice)
    assert client.get("/api/v1/cases").status_code == 401


def test_api_token_command_prints_a_working_token_alone_on_its_last_line(alice: User) -> None:
    out = StringIO()
    call_command("api_token", "alice", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    assert ApiToken.objects.get(user=alice).token_hash == hash_token(raw)
    assert not ApiToken.objects.filter(token_hash=raw).exists()
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/teams")
    assert response.status_code == 200


def test_openapi_document_is_public_and_describes_auth_errors_and_idempotency(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert {"/api/v1/cases", "/api/v1/cases/{case_id}/transition", "/api/v1/customers", "/api/v1/teams"} <= set(
        document["paths"]
    )
    schemes = document["components"]["securitySchemes"]
    assert any(scheme.get("scheme") == "bearer" for scheme in schemes.values())
    create = document["paths"]["/api/v1/cases"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in create["parameters"]]
    assert create["responses"]["4XX"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    assert document["components"]["schemas"]["Stage"]["enum"] == [
        "intake",
        "classification",
        "investigation",
        "resolution",
        "notification",
        "follow_up",
    ]


def test_interactive_docs_are_served_without_a_token(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_agent_lists_only_own_teams_and_admin_lists_all(
    api_client: ApiClient, alice: User, root: User, teams: dict[str, Team]
) -> None:
    assert [t["slug"] for t in api_client(alice).get("/api/v1/teams").json()] == ["delivery"]
    assert [t["slug"] for t in api_client(root).get("/api/v1/teams").json()] == ["delivery", "payments"]


def test_team_detail_lists_members_and_other_teams_are_404(
    api_client: ApiClient, alice: User, lena: User, bob: User, teams: dict[str, Team]
) -> None:
    client = api_client(alice)
    detail = client.get(f"/api/v1/teams/{teams['delivery'].pk}").json()
    assert [(m["username"], m["is_lead"]) for m in detail["members"]] == [("alice", False), ("lena", True)]
    response = client.get(f"/api/v1/teams/{teams['payments'].pk}")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_customer_accounts_see_no_teams(api_client: ApiClient, teams: dict[str, Team]) -> None:
    customer = User.objects.create_user(username="kim", password="pw-kim", role=Role.CUSTOMER)
    client = api_client(customer)
    assert client.get("/api/v1/teams").json() == []
    assert client.get(f"/api/v1/teams/{teams['delivery'].pk}").status_code == 404
