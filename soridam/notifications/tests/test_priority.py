"""The task worker sends customer mail before the rest of its backlog."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from soridam.cases.actions import NewCase, open_case
from soridam.cases.models import Category
from soridam.customers.actions import Contact
from soridam.search.tasks import index_case
from soridam.triage.tasks import triage_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def db_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _next_for_the_worker() -> DBTaskResult:
    """What ``db_worker`` claims next: the same queryset and lock as its run loop."""
    with transaction.atomic():
        task = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
    assert task is not None
    return task


def test_a_new_cases_acknowledgement_is_picked_before_an_older_backlog(db_tasks: None, teams: Any) -> None:
    for case_id in range(1, 201):  # the seed's backlog: indexing and triage queued earlier
        index_case.enqueue(case_id)
        triage_case.enqueue(case_id)
    contact = Contact(name="김민지", email="kim@example.kr")
    with transaction.atomic():
        case = open_case(
            NewCase(subject="환불", body="환불해 주세요", contact=contact, category=Category.objects.first())
        )

    picked = _next_for_the_worker()
    assert picked.task_path == "soridam.notifications.tasks.deliver_outbound"
    assert picked.args_kwargs["args"] == [case.outbound_messages.get().pk]
    backlog = DBTaskResult.objects.exclude(pk=picked.pk).values_list("priority", flat=True)
    assert picked.priority > max(backlog)
