"""A key whose request died before answering (the process crashed) is free again within seconds, not after
ten minutes; a key whose request is still running keeps answering 409."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone

from soridam.accounts.models import User
from soridam.cases.models import Case
from soridam.idempotency.models import IdempotencyRecord

NEW_CASE = {"subject": "배송 문의", "body": "아직 안 왔어요", "customer": {"name": "김", "email": "crash@example.kr"}}
BODY = json.dumps(NEW_CASE).encode()
ApiClient = Callable[[User], Client]


def _claim_left_by(user: User, key: str, seconds_ago: int) -> IdempotencyRecord:
    """What a worker leaves when it is killed after claiming the key and before storing the answer: an
    unfinished claim, and (its connection gone) no lock on it."""
    return IdempotencyRecord.objects.create(
        user=user,
        key=key,
        method="POST",
        path="/api/v1/cases",
        request_hash=hashlib.sha256(BODY).hexdigest(),
        created_at=timezone.now() - timedelta(seconds=seconds_ago),
    )


def _retry(api_client: ApiClient, user: User, key: str) -> object:
    return api_client(user).post("/api/v1/cases", BODY, "application/json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db
def test_retry_thirty_seconds_after_a_crash_runs_the_request(api_client: ApiClient, alice: User) -> None:
    _claim_left_by(alice, "crashed", seconds_ago=30)
    response = _retry(api_client, alice, "crashed")
    assert response.status_code == 201  # type: ignore[attr-defined]
    assert Case.objects.count() == 1
    assert IdempotencyRecord.objects.get().status_code == 201
    replay = _retry(api_client, alice, "crashed")
    assert replay["Idempotent-Replayed"] == "true"  # type: ignore[index]
    assert Case.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: SQLite serialises writers instead")
@pytest.mark.django_db(transaction=True)
def test_a_claim_still_held_by_a_running_request_answers_409_however_old(api_client: ApiClient, alice: User) -> None:
    claim = _claim_left_by(alice, "slow", seconds_ago=600)
    locked, release = threading.Event(), threading.Event()

    def running_request() -> None:  # another worker, its operation still in progress
        try:
            with transaction.atomic():
                list(IdempotencyRecord.objects.select_for_update().filter(pk=claim.pk).values_list("pk"))
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    worker = threading.Thread(target=running_request)
    worker.start()
    try:
        assert locked.wait(timeout=10)
        response = _retry(api_client, alice, "slow")
        assert response.status_code == 409  # type: ignore[attr-defined]
        assert Case.objects.count() == 0
    finally:
        release.set()
        worker.join(timeout=30)
    assert _retry(api_client, alice, "slow").status_code == 201  # type: ignore[attr-defined]
