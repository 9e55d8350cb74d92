from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from soridam import env
from soridam.lib.logs import RoutineTaskRuns

pytestmark = pytest.mark.django_db


def test_health_endpoints_and_metrics_answer() -> None:
    client = Client()
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200
    body = client.get("/metrics").content.decode()
    assert "soridam_http_request_seconds" in body
    assert "soridam_task_queue_oldest_seconds" in body


def test_every_response_carries_a_request_id() -> None:
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="abcdef123456")
    assert response["X-Request-Id"] == "abcdef123456"
    assert len(Client().get("/healthz")["X-Request-Id"]) == 32


def test_bad_environment_values_stop_startup_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SORIDAM_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SORIDAM_X"):
        env.env_bool("SORIDAM_X", False)
    monkeypatch.setenv("SORIDAM_N", "ten")
    with pytest.raises(ImproperlyConfigured, match="SORIDAM_N"):
        env.env_int("SORIDAM_N", 1)


def test_email_url_never_allows_plaintext_to_a_remote_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMAIL_URL", "smtp://u:p@mail.example.com:25?tls=off")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        env.email_settings("EMAIL_URL", "console://")
    monkeypatch.setenv("EMAIL_URL", "smtp://u:p%40x@mail.example.com:587")
    parsed = env.email_settings("EMAIL_URL", "console://")
    assert parsed["EMAIL_USE_TLS"] is True
    assert parsed["EMAIL_HOST_PASSWORD"] == "p@x"


@pytest.mark.django_db(transaction=True)
def test_database_task_rows_commit_and_roll_back_with_the_change_that_queued_them(settings: Any) -> None:
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from soridam.lib.jobs import enqueue_on_commit
    from soridam.notifications.tasks import deliver_outbound

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with transaction.atomic():
        enqueue_on_commit(deliver_outbound, 1)
    assert DBTaskResult.objects.count() == 1

    def queue_then_fail() -> None:
        with transaction.atomic():
            enqueue_on_commit(deliver_outbound, 2)
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        queue_then_fail()
    assert DBTaskResult.objects.count() == 1


def test_the_workers_routine_task_lines_are_dropped_and_its_failures_kept() -> None:
    quiet = RoutineTaskRuns()

    def record(logger: str, level: int, message: str) -> logging.LogRecord:
        return logging.LogRecord(logger, level, __file__, 1, message, ("id", "path", "state"), None)

    assert not quiet.filter(record("django_tasks", logging.INFO, "Task id=%s path=%s state=%s"))
    assert quiet.filter(record("django_tasks", logging.ERROR, "Task id=%s path=%s state=%s"))
    assert quiet.filter(record("django_tasks_db", logging.INFO, "Starting worker worker_id=%s queues=%s"))
    assert quiet.filter(record("soridam.cases", logging.INFO, "Task id=%s path=%s state=%s"))
