"""Background work runs only after the change that caused it has committed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks_db import DatabaseBackend


def enqueue_on_commit(task: Any, /, *args: Any, **kwargs: Any) -> None:
    """Enqueue a Django task so that it runs only once the current transaction commits.

    With the database task backend the task row is written inside the transaction itself: no worker can
    see it before the commit, it vanishes with a rollback, and intake saves a second commit per request.
    Other backends (Redis, the immediate one in tests) are called from ``on_commit``.
    Tasks take ids, not objects, so they reload fresh state when they run.
    """
    if _is_transactional(task):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


def _is_transactional(task: Any) -> bool:
    return isinstance(task.get_backend(), DatabaseBackend)
