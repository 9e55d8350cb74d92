"""The worker claims the rows of a batchable task together, runs them in one call, and serves by priority."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from soridam.cases.models import Case
from soridam.lib import jobs
from soridam.notifications.tasks import deliver_outbound, deliver_outbounds
from soridam.routing import assignment
from soridam.routing.tasks import route_case
from soridam.search import engine, tasks
from soridam.search.indexing import CASE
from soridam.search.models import SearchDocument
from soridam.triage.models import Prediction
from soridam.triage.tasks import triage_case, triage_cases
from soridam.workers.worker import BatchWorker

pytestmark = pytest.mark.django_db


@pytest.fixture
def db_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _worker(**options: Any) -> BatchWorker:
    defaults: dict[str, Any] = {
        "queue_names": ["default"],
        "interval": 0,
        "batch": True,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": None,
        "worker_id": "test-worker",
        "excluded_queue_names": [],
    }
    return BatchWorker(**{**defaults, **options})


def _drain(worker: BatchWorker) -> list[tuple[str, int]]:
    """The worker's loop (``run`` also closes the connection between tasks, which a test must not do)."""
    order = []
    while rows := worker.claim():
        order.append((rows[0].task_path.rsplit(".", 1)[1], len(rows)))
        worker.run_rows(rows)
    return order


def _cases(make_case: Callable[..., Case], count: int) -> list[Case]:
    body = "주문 번호 {n}의 상자가 사라졌어요 보라색{n}"
    cases = [make_case(subject=f"택배 분실 {n}번", body=body.format(n=n)) for n in range(count)]
    DBTaskResult.objects.all().delete()  # the cases' own jobs: each test queues the ones it is about
    SearchDocument.objects.all().delete()
    Prediction.objects.all().delete()
    return cases


def test_queued_index_rows_are_claimed_together_and_index_every_case_in_one_run(
    make_case: Callable[..., Case], db_tasks: None
) -> None:
    cases = _cases(make_case, 30)
    for case in cases:
        tasks.index_case.enqueue(case.pk)
    worker = _worker()

    with CaptureQueriesContext(connection) as ctx:
        claimed = worker.claim()
        worker.run_rows(claimed)

    assert len(claimed) == 30
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    assert set(SearchDocument.objects.filter(kind=CASE).values_list("key", flat=True)) == {c.pk for c in cases}
    assert [hit.key for hit in engine.search_cases("보라색7", Case.objects.all())] == [cases[7].pk]
    assert len(ctx.captured_queries) < 20  # a claim, a read, a write, a record: not statements per row


def test_a_failing_batch_runs_its_rows_alone_and_only_the_bad_row_fails(
    make_case: Callable[..., Case], db_tasks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = _cases(make_case, 5)
    bad = cases[2].pk
    real = tasks.case_document

    def document(case: Case) -> engine.Document:
        if case.pk == bad:
            raise ValueError("a broken case")
        return real(case)

    monkeypatch.setattr(tasks, "case_document", document)
    for case in cases:
        tasks.index_case.enqueue(case.pk)

    _drain(_worker())

    states = {row.args_kwargs["args"][0]: row.status for row in DBTaskResult.objects.all()}
    ok, failed = TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED
    assert states == {case.pk: failed if case.pk == bad else ok for case in cases}
    indexed = set(SearchDocument.objects.filter(kind=CASE).values_list("key", flat=True))
    assert indexed == {case.pk for case in cases} - {bad}


def test_the_worker_serves_customer_mail_then_triage_and_routing_then_indexing(
    make_case: Callable[..., Case], db_tasks: None
) -> None:
    cases = _cases(make_case, 3)
    for case in cases:
        tasks.index_case.enqueue(case.pk)
    for case in cases:
        triage_case.enqueue(case.pk)
    with transaction.atomic():
        route_case.enqueue(cases[0].pk)
    deliver_outbound.enqueue(cases[0].outbound_messages.get().pk)
    worker = _worker()

    order = _drain(worker)

    # triage routes the cases it classified itself (no route_case row of their own): only the row queued
    # above is left for routing, and finds its case routed already
    assert order == [("deliver_outbound", 1), ("triage_case", 3), ("route_case", 1), ("index_case", 3)]
    assert DBTaskResult.objects.filter(task_path=route_case.module_path).count() == 1
    assert Prediction.objects.filter(case__in=cases).count() == 3
    assert all(Case.objects.get(pk=c.pk).team_id is not None for c in cases)


def test_cases_whose_routing_fails_after_triage_get_their_routing_rows(
    make_case: Callable[..., Case], db_tasks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = _cases(make_case, 2)

    def deadlocked(case_ids: Any) -> dict[int, str]:
        raise OperationalError("deadlock detected")

    monkeypatch.setattr(assignment, "route_many", deadlocked)
    assert triage_cases([case.pk for case in cases]) == 2

    routing = DBTaskResult.objects.filter(task_path=route_case.module_path, status=TaskResultStatus.READY)
    assert sorted(row.args_kwargs["args"][0] for row in routing) == [case.pk for case in cases]
    assert Prediction.objects.filter(case__in=cases).count() == 2  # triage itself stands


def test_a_batch_handler_is_known_by_its_tasks_path() -> None:
    assert jobs.batch_handler("soridam.search.tasks.index_case") is tasks.index_cases
    assert jobs.batch_handler("soridam.notifications.tasks.deliver_outbound") is deliver_outbounds


def test_a_worker_with_a_minimum_priority_takes_only_customer_mail(
    make_case: Callable[..., Case], db_tasks: None
) -> None:
    cases = _cases(make_case, 2)
    for case in cases:
        tasks.index_case.enqueue(case.pk)
        triage_case.enqueue(case.pk)
    worker = _worker()
    worker.min_priority = jobs.CUSTOMER
    assert worker.claim() == []  # a backlog of triage and indexing: not this worker's
    deliver_outbound.enqueue(cases[1].outbound_messages.get().pk)

    assert _drain(worker) == [("deliver_outbound", 1)]
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 4
