"""Concurrent duplicates over real HTTP: whatever the timing, one case is created."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection

from soridam.accounts.models import ApiToken, User
from soridam.cases.models import Case

# SQLite serialises writers with a file lock, so real concurrency is only meaningful on PostgreSQL.
pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")

NEW_CASE = {
    "subject": "중복 접수",
    "body": "같은 요청이 여러 번",
    "customer": {"name": "김", "email": "dup@example.kr"},
}


def _post(url: str, token: str, key: str) -> tuple[int, str]:
    request = urllib.request.Request(url, data=json.dumps(NEW_CASE).encode(), method="POST")
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    request.add_header("Idempotency-Key", key)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_simultaneous_duplicates_create_one_case_and_answer_201_or_409(live_server: Any, alice: User) -> None:
    _token, raw = ApiToken.issue(alice)
    url = f"{live_server.url}/api/v1/cases"
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _n: _post(url, raw, "same-click"), range(8)))
    statuses = [status for status, _body in results]
    assert set(statuses) <= {201, 409}, results
    assert 201 in statuses
    assert all(json.loads(body)["code"] == "idempotency_in_flight" for status, body in results if status == 409)
    assert len({body for status, body in results if status == 201}) == 1
    assert Case.objects.count() == 1
