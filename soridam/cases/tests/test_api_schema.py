"""Schemathesis over the public OpenAPI document: no generated request may cause a server error.

The document is fetched from /api/v1/openapi.json through the project's WSGI application (without a
token), and every operation then gets generated requests, valid and invalid, sent with an admin token
through the same application. Half of the generated case ids are swapped for a real case, so the
write operations run their actions on real rows too, not only the 404 path.

The requests pass through Django's full request cycle, which ends each one by checking the database
connection; that is why these tests use real transactions (``transactional_db``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

from soridam.accounts.models import ApiToken, User
from soridam.cases.models import Case
from soridam.wsgi import application

# Loaded at import: schemathesis' fixture-based lazy loader does not work with pytest 9.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _unlimited_api(settings: Any, transactional_db: None) -> None:
    settings.SORIDAM_RATE_LIMITS = {**settings.SORIDAM_RATE_LIMITS, "api": 1_000_000}


@pytest.fixture
def admin_token(root: User) -> str:
    return ApiToken.issue(root)[1]


@pytest.fixture
def real_case_id(make_case: Callable[..., Case], alice: User) -> int:
    make_case("결제 오류", category="payment", email="lee@example.kr")
    return make_case(email="kim@example.kr").pk


@schema.parametrize()
@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_request_causes_a_server_error(case: Any, admin_token: str, real_case_id: int) -> None:
    generated_id = case.path_parameters.get("case_id") if case.path_parameters else None
    if isinstance(generated_id, int) and generated_id % 2 == 0:
        case.path_parameters["case_id"] = real_case_id
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_token}"}, checks=[not_a_server_error])
