"""Task rows queued inside a transaction, one by one or together (``jobs.batched``)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db import DatabaseBackend
from django_tasks_db.compat import task_enqueued
from django_tasks_db.models import DBTaskResult

from soridam.cases.actions import NewCase, open_case
from soridam.customers.actions import Contact
from soridam.lib import jobs
from soridam.search.tasks import index_case
from soridam.triage.tasks import triage_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def db_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _task_inserts(ctx: CaptureQueriesContext) -> int:
    """INSERTs of task rows, also those sent with others in one statement string (``rows.together``)."""
    return sum(q["sql"].count('INSERT INTO "django_tasks_database') for q in ctx.captured_queries)


def test_batched_writes_the_rows_of_several_tasks_in_one_insert(db_tasks: None) -> None:
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx, jobs.batched():
        jobs.enqueue_on_commit(triage_case, 41)
        jobs.enqueue_on_commit(index_case, 41)
        jobs.enqueue_on_commit(index_case, 42)
        assert DBTaskResult.objects.count() == 0  # nothing written before the block ends
    assert _task_inserts(ctx) == 1
    rows = DBTaskResult.objects.order_by("task_path", "args_kwargs")
    assert [(r.task_path, r.args_kwargs["args"], r.status) for r in rows] == [
        ("soridam.search.tasks.index_case", [41], "READY"),
        ("soridam.search.tasks.index_case", [42], "READY"),
        ("soridam.triage.tasks.triage_case", [41], "READY"),
    ]
    # the rows match what enqueue() itself writes, each task's own priority included
    references = {t.module_path: DBTaskResult.objects.get(pk=t.enqueue(43).id) for t in (index_case, triage_case)}
    for row in rows:
        reference = references[row.task_path]
        assert (row.run_after, row.priority, row.queue_name, row.backend_name) == (
            reference.run_after,
            reference.priority,
            reference.queue_name,
            reference.backend_name,
        )
        # and every other column as a new row has it (on PostgreSQL the rows go as arrays, not through the ORM)
        fresh = ("status", "started_at", "finished_at", "worker_ids", "return_value", "exception_class_path")
        fresh += ("traceback",)
        assert [getattr(row, name) for name in fresh] == [getattr(reference, name) for name in fresh]
        assert row.enqueued_at is not None
        assert row.task_result.args == row.args_kwargs["args"]


def test_an_error_inside_batched_queues_nothing(db_tasks: None) -> None:
    def failing_change() -> None:
        with transaction.atomic(), jobs.batched():
            jobs.enqueue_on_commit(index_case, 7)
            raise RuntimeError("change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    assert DBTaskResult.objects.count() == 0
    jobs.enqueue_on_commit(index_case, 8)  # and the next call outside a block writes at once
    assert DBTaskResult.objects.count() == 1


def test_a_new_case_queues_its_three_tasks_in_one_insert(db_tasks: None, teams: object) -> None:
    new = NewCase("배송 문의", "주문한 물건이 오지 않았어요.", Contact(name="김민지", email="minji@example.kr"))
    with CaptureQueriesContext(connection) as ctx:
        case = open_case(new)
    assert _task_inserts(ctx) == 1
    paths = sorted(DBTaskResult.objects.values_list("task_path", flat=True))
    assert paths == [
        "soridam.notifications.tasks.deliver_outbound",
        "soridam.search.tasks.index_case",
        "soridam.triage.tasks.triage_case",
    ]
    assert DBTaskResult.objects.filter(task_path__endswith="index_case", args_kwargs__args=[case.pk]).exists()


def test_a_new_case_sends_its_rows_and_task_rows_in_one_round_trip_on_postgresql(db_tasks: None, teams: object) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no sequences to reserve the ids from: each row is its own INSERT there")
    new = NewCase("배송 문의", "주문한 물건이 오지 않았어요.", Contact(name="김민지", email="minji@example.kr"))
    open_case(new)  # the customer exists from now on
    with CaptureQueriesContext(connection) as ctx:
        case = open_case(new)
    writes = [q["sql"] for q in ctx.captured_queries if "INSERT" in q["sql"]]
    assert len(writes) == 1, writes
    tables = re.findall(r'INSERT INTO "(\w+)"', writes[0])
    assert tables == [
        "cases_case",
        "cases_message",
        "cases_timelineevent",
        "audit_auditentry",
        "notifications_outboundmessage",
        "django_tasks_database_dbtaskresult",
    ]  # no SLA policy here, so no clocks row
    assert DBTaskResult.objects.filter(task_path__endswith="deliver_outbound").count() == 2
    assert case.messages.get().pk == case.events.get().message_id


def test_a_receiver_of_task_enqueued_hears_every_row_of_a_batch(db_tasks: None) -> None:
    heard: list[str] = []

    def receiver(sender: object, task_result: Any, **kwargs: object) -> None:
        heard.append(str(task_result.id))

    task_enqueued.connect(receiver)
    try:
        assert jobs._enqueued_heard(DatabaseBackend)
        with transaction.atomic(), jobs.batched():
            jobs.enqueue_on_commit(index_case, 1)
            jobs.enqueue_on_commit(triage_case, 2)
    finally:
        task_enqueued.disconnect(receiver)
    assert sorted(heard) == sorted(str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True))
    assert len(heard) == 2


def test_no_task_result_is_built_for_the_tasks_librarys_own_debug_log_when_it_is_off(
    db_tasks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each row's TaskResult, built only for ``task_enqueued``, was a fifth of the chat's group commit."""
    built: list[object] = []
    original: Any = vars(DBTaskResult)["task_result"]

    def counted(row: Any) -> Any:
        built.append(row)
        return original.fget(row)

    monkeypatch.setattr(DBTaskResult, "task_result", property(counted))
    assert not jobs._enqueued_heard(DatabaseBackend)
    with transaction.atomic(), jobs.batched():
        jobs.enqueue_on_commit(index_case, 1)
        jobs.enqueue_on_commit(index_case, 2)
    assert DBTaskResult.objects.count() == 2
    assert built == []
