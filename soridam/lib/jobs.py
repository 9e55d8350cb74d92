"""Background work runs only after the change that caused it has committed."""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task
from django_tasks.signals import log_task_enqueued
from django_tasks_db import DatabaseBackend
from django_tasks_db.compat import TASKS_LOGGER, normalize_json, task_enqueued

from soridam.lib.rows import holding, insert_many

_Call = tuple[Any, tuple[Any, ...], dict[str, Any]]
_local = threading.local()

# Task priorities (django_tasks_db: higher runs first; -100..100). Every worker of the pool serves every queue
# in this order, so a customer's acknowledgement never waits behind a backlog of indexing (bench/README.md).
CUSTOMER = 50  # mail and chat to customers, and the cheap jobs that keep it flowing (outbox sweep, recovery)
CASE_FLOW = 20  # intake from channels, triage, routing, escalations: what decides who answers and when
BACKGROUND = -20  # search indexing, statistics, model training: nobody waits on it

BatchHandler = Callable[[Sequence[Any]], object]
_batch_handlers: dict[str, BatchHandler] = {}


def batch_of(task: Task[Any, Any]) -> Callable[[BatchHandler], BatchHandler]:
    """Register ``handler(first_args)`` as the way to run many rows of ``task`` at once (``workers.worker``).

    The worker claims up to ``SORIDAM_WORKER_BATCH`` ready rows of that task together and calls the handler once with
    each row's first argument (a case id), in queue order: one vectorisation for a batch of triage, one
    index statement for a batch of cases, one routing pass for a pool. The handler must have the effect of
    running the task for each argument, be idempotent like every task, and may see an argument twice. If it
    raises, the worker runs each row on its own, so only a bad row fails.
    """

    def register(handler: BatchHandler) -> BatchHandler:
        _batch_handlers[task.module_path] = handler
        return handler

    return register


def batch_handler(task_path: str) -> BatchHandler | None:
    """The batch handler of the task at ``task_path`` (importing its module registers it), if any."""
    task_at(task_path)
    return _batch_handlers.get(task_path)


def enqueue_on_commit(task: Any, /, *args: Any, **kwargs: Any) -> None:
    """Enqueue a Django task so that it runs only once the current transaction commits.

    With the database task backend the task row is written inside the transaction itself: no worker can
    see it before the commit, it vanishes with a rollback, and intake saves a second commit per request.
    Inside ``batched()`` those rows are written together, in one INSERT, when the block ends.
    Other backends (Redis, the immediate one in tests) are called from ``on_commit``.
    Tasks take ids, not objects, so they reload fresh state when they run.
    """
    if not _is_transactional(task):
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
        return
    pending: list[_Call] | None = getattr(_local, "pending", None)
    if pending is None:
        task.enqueue(*args, **kwargs)
    else:
        pending.append((task, args, kwargs))


def enqueue_job_on_commit(task_path: str, /, *args: Any, **kwargs: Any) -> None:
    """``enqueue_on_commit`` for a task named by its dotted path.

    Layers point one way (README, "Layers"): the case actions and the services below them never import
    the task and workflow modules above them, yet they must start work done there (triage a new case,
    route it, refill an agent). They name the job instead, as the scheduler does (``sla.periodic``): a
    message to the worker, not a call. ``lib/tests/test_job_paths.py`` checks that every path named in
    the source is a task.
    """
    enqueue_on_commit(task_at(task_path), *args, **kwargs)


@functools.cache
def task_at(task_path: str) -> Task[Any, Any]:
    task = import_string(task_path)
    if not isinstance(task, Task):
        raise TypeError(f"{task_path} is not a django_tasks task")
    return task


@contextlib.contextmanager
def batched() -> Iterator[None]:
    """Collect the database task rows queued inside the block and insert them in one statement at its
    end (a new case queues three: acknowledgement, triage, search index). Use it inside the
    transaction that makes the change: an exception drops the collected rows along with the change.
    Do not catch a rolled-back savepoint's error inside the block: its tasks would still be written."""
    outer: list[_Call] | None = getattr(_local, "pending", None)
    if outer is not None:  # nested: the outermost block writes everything
        yield
        return
    _local.pending = []
    try:
        yield
        calls, _local.pending = _local.pending, None
        _insert(calls)
    finally:
        _local.pending = None


def _insert(calls: list[_Call]) -> None:
    """What ``DatabaseBackend.enqueue`` does for each call, with one INSERT for all of them."""
    if not calls:
        return
    # Inside ``rows.together`` the rows ride along with the held ones (one round trip for a new case).
    if len(calls) > 1 and connection.vendor == "postgresql" and not holding():
        _insert_arrays(calls)
        return
    backends = [_checked_backend(task, {}) for task, _args, _kwargs in calls]
    rows = [_row(backend, *call) for backend, call in zip(backends, calls, strict=True)]
    insert_many(rows)  # ids are set: inside ``rows.together`` it rides along
    _announce(list(zip(backends, rows, strict=True)))


def _checked_backend(task: Any, checked: dict[int, Any]) -> Any:
    """The task's backend, after the backend's checks of the task: once a task within one batch (``checked``),
    as a task's backend and its checks do not change between two of its calls."""
    backend = checked.get(id(task))
    if backend is None:
        backend = checked[id(task)] = task.get_backend()
        backend.validate_task(task)
    return backend


def _row(backend: Any, task: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    from django_tasks_db.models import DBTaskResult, get_date_max

    return DBTaskResult(
        id=backend._get_id(),
        args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=task.run_after or get_date_max(),  # what the app's pre_save does for save()
        backend_name=backend.alias,
    )


def _announce(rows: list[tuple[Any, Any]]) -> None:
    """``task_enqueued`` for each (backend, row), as ``enqueue`` sends it, when anyone hears it."""
    for backend, row in rows:
        if _enqueued_heard(type(backend)):
            task_enqueued.send(type(backend), task_result=row.task_result)


def _enqueued_heard(sender: type) -> bool:
    """Whether ``task_enqueued`` is heard: a receiver besides the tasks library's own debug log, or that log on.
    Each row's ``TaskResult``, built only to be sent, was a fifth of the chat's group commit (bench/README.md,
    "live chat at 1,000 sockets, the group commit's Python")."""
    if not task_enqueued.has_listeners(sender):
        return False
    if logging.getLogger(TASKS_LOGGER).isEnabledFor(logging.DEBUG):
        return True
    sync, asynchronous = task_enqueued._live_receivers(sender)
    return any(receiver is not log_task_enqueued for receiver in [*sync, *asynchronous])


# The columns ``_insert_arrays`` fills from each call; every other column gets what a new row always holds.
_ARRAY_COLUMNS = (
    ("id", "uuid"),
    ("args_kwargs", "jsonb"),
    ("priority", "integer"),
    ("task_path", "text"),
    ("queue_name", "text"),
    ("backend_name", "text"),
    ("run_after", "timestamptz"),
)


def _insert_arrays(calls: list[_Call]) -> None:
    """On PostgreSQL, many task rows as one array per column: ``bulk_create`` prepared every field of every
    row in Python (about half of the chat's group commit: bench/README.md, "Live chat: cheaper task rows"),
    and its SQL text changed with the count, so it was never a prepared statement. Writes what ``bulk_create``
    would: a new row is READY, enqueued now, with no worker, result or error yet. The columns are taken from
    the calls themselves: a model instance a row cost more than the rest of the row (bench/README.md, "live
    chat at 1,000 sockets, the group commit's Python"); instances are built only for a heard signal."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    now, latest = timezone.now(), get_date_max()
    checked: dict[int, Any] = {}
    columns: list[list[Any]] = [[] for _column in _ARRAY_COLUMNS]
    for task, args, kwargs in calls:
        backend = _checked_backend(task, checked)
        values: tuple[Any, ...] = (backend._get_id(), normalize_json({"args": args, "kwargs": kwargs}), task.priority)
        values += (task.module_path, task.queue_name, backend.alias, task.run_after or latest)
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    arguments = columns[1]
    columns[1] = [json.dumps(value) for value in arguments]  # jsonb from text: the JSON the ORM would write
    status = DBTaskResult._meta.get_field("status").get_default()
    with connection.cursor() as cursor:
        cursor.execute(_array_insert_sql(DBTaskResult), [status, now, *columns])
    if not any(_enqueued_heard(type(backend)) for backend in checked.values()):
        return
    rows = []
    for (task, _args, _kwargs), *fields in zip(calls, columns[0], arguments, *columns[2:], strict=True):
        row: Any = DBTaskResult(**dict(zip((name for name, _type in _ARRAY_COLUMNS), fields, strict=True)))
        row.enqueued_at, row._state.adding, row._state.db = now, False, connection.alias
        rows.append((checked[id(task)], row))
    _announce(rows)


@functools.cache
def _array_insert_sql(model: Any) -> str:
    quote = connection.ops.quote_name
    named = ", ".join(quote(name) for name, _type in _ARRAY_COLUMNS)
    arrays = ", ".join(f"%s::{kind}[]" for _name, kind in _ARRAY_COLUMNS)
    fixed = "status, enqueued_at, started_at, finished_at, worker_ids, return_value, exception_class_path, traceback"
    return (
        f"INSERT INTO {quote(model._meta.db_table)} ({named}, {fixed}) "  # noqa: S608 - the model's own names
        f"SELECT {named}, %s, %s, NULL, NULL, '[]'::jsonb, NULL, '', '' FROM unnest({arrays}) AS r({named})"
    )


def _is_transactional(task: Any) -> bool:
    return isinstance(task.get_backend(), DatabaseBackend)
