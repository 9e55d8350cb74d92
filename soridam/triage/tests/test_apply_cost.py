"""What applying triage costs in statements, so the count cannot creep back (issue 13 §1: about 30 a case
before ``apply_triage``), and that the one-call apply keeps the history and the SLA clocks exact."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from soridam.audit.audit import first_broken_entry, stream_of
from soridam.audit.models import AuditEntry
from soridam.cases import actions
from soridam.cases.models import Case, EventKind, TimelineEvent
from soridam.customers.actions import Contact
from soridam.sla import clock
from soridam.sla.models import BusinessCalendar, CaseSla, EscalationRule, SlaPolicy, WorkingHours
from soridam.triage import training
from soridam.triage.tests.conftest import SEED
from soridam.triage.tests.test_batch import MESSAGES
from soridam.triage.triage import earlier_open_cases, same_problem_counts, triage, triage_many


@pytest.fixture
def sla_setup(teams: Any) -> None:
    office = BusinessCalendar.objects.create(name="Office", break_start=time(12), break_end=time(13), is_default=True)
    WorkingHours.objects.bulk_create(
        WorkingHours(calendar=office, weekday=day, start=time(9), end=time(18)) for day in range(5)
    )
    standard = SlaPolicy.objects.create(
        name="Standard", first_response_minutes=240, next_response_minutes=120, resolution_minutes=960
    )
    SlaPolicy.objects.create(
        name="Urgent", priority="urgent", first_response_minutes=30, next_response_minutes=30, resolution_minutes=240
    )
    EscalationRule.objects.create(policy=standard, target="first_response", percent=80, action="notify_lead")


def _open(count: int, capture: Any) -> list[int]:
    contact = Contact(name="김민지", email="kim@example.kr")
    with capture(execute=False):  # no jobs: triage is what is measured
        cases = [actions.open_case(actions.NewCase(subject=s, body=b, contact=contact)) for s, b in MESSAGES * count]
    return [case.pk for case in cases]


@pytest.mark.django_db
def test_triaging_a_case_in_a_batch_costs_at_most_ten_statements(
    sla_setup: None, seed_model: Any, django_capture_on_commit_callbacks: Any
) -> None:
    training.store(seed_model, metrics={}, trained_on=len(SEED), source="file", activate=True)
    ids = _open(4, django_capture_on_commit_callbacks)  # 20 cases, most get a category, some a priority
    with django_capture_on_commit_callbacks(execute=False), CaptureQueriesContext(connection) as captured:
        assert triage_many(ids) == ids

    per_case = len(captured.captured_queries) / len(ids)
    assert per_case <= 10, f"{len(captured.captured_queries)} statements for {len(ids)} cases"
    changed = TimelineEvent.objects.filter(case_id__in=ids, kind=EventKind.CATEGORY_CHANGED).count()
    assert changed >= len(ids) // 2  # the work was really done, not skipped


@pytest.mark.django_db
def test_triaging_one_case_costs_a_bounded_number_of_statements(
    sla_setup: None, seed_model: Any, django_capture_on_commit_callbacks: Any, django_assert_max_num_queries: Any
) -> None:
    training.store(seed_model, metrics={}, trained_on=len(SEED), source="file", activate=True)
    [case_id] = _open(1, django_capture_on_commit_callbacks)[1:2]  # the urgent one: category and priority
    with django_capture_on_commit_callbacks(execute=False), django_assert_max_num_queries(20):
        triage_many([case_id])
    case = Case.objects.get(pk=case_id)
    assert (case.priority, case.category_id is not None) == ("urgent", True)


@pytest.mark.django_db
def test_one_apply_writes_each_field_history_chains_the_audit_and_sets_the_clocks_as_the_single_actions(
    sla_setup: None, seed_model: Any, django_capture_on_commit_callbacks: Any
) -> None:
    training.store(seed_model, metrics={}, trained_on=len(SEED), source="file", activate=True)
    [case_id] = _open(1, django_capture_on_commit_callbacks)[1:2]
    triage_many([case_id])

    case = Case.objects.select_related("customer").get(pk=case_id)
    kinds = list(TimelineEvent.objects.filter(case=case).order_by("pk").values_list("kind", "to_value"))
    assert kinds[1:] == [(EventKind.CATEGORY_CHANGED, case.category.slug), (EventKind.PRIORITY_CHANGED, "urgent")]
    actions_written = list(AuditEntry.objects.filter(stream=stream_of(case)).order_by("seq").values_list("action"))
    assert actions_written == [("case.created",), ("case.category",), ("case.priority",)]
    assert first_broken_entry(stream_of(case)) is None
    stored = CaseSla.objects.get(case=case)
    assert stored.policy.name == "Urgent"
    # The clocks a fresh recompute would give, and the case mirrors their earliest due.
    fresh = clock.recompute(case)
    assert fresh is not None
    assert (stored.first_response_due, stored.resolution_due) == (fresh.first_response_due, fresh.resolution_due)
    assert case.sla_due_at == clock.earliest_due(fresh)


@pytest.mark.django_db
def test_the_batch_counts_repeat_contacts_as_each_case_alone_does(
    teams: Any, django_capture_on_commit_callbacks: Any
) -> None:
    kim, lee = Contact(name="김민지", email="kim@example.kr"), Contact(name="이서준", email="lee@example.kr")
    with django_capture_on_commit_callbacks(execute=False):
        opened = [
            actions.open_case(actions.NewCase(subject="배송", body="언제 와요", contact=contact, order_number=order))
            for contact, order in [(kim, "A-1"), (kim, "A-1"), (kim, "A-1"), (kim, "B-2"), (kim, ""), (lee, "A-1")]
        ]
        follow_up = actions.open_case(
            actions.NewCase(subject="또", body="아직이요", contact=kim, related_case=opened[4])
        )
    Case.objects.filter(pk=opened[2].pk).update(status="closed")
    Case.objects.filter(pk=opened[3].pk).update(created_at=opened[3].created_at - timedelta(days=40))
    cases = list(Case.objects.filter(pk__in=[c.pk for c in [*opened, follow_up]]).order_by("pk"))

    batch = same_problem_counts(cases)

    assert batch == {case.pk: earlier_open_cases(case) for case in cases}
    assert (batch[opened[0].pk], batch[follow_up.pk], batch[opened[5].pk]) == (1, 1, 0)


@pytest.mark.django_db
def test_a_batch_applies_in_as_many_statements_for_twenty_cases_as_for_five(
    sla_setup: None, seed_model: Any, django_capture_on_commit_callbacks: Any
) -> None:
    training.store(seed_model, metrics={}, trained_on=len(SEED), source="file", activate=True)
    counts = []
    for copies in (1, 4):
        ids = _open(copies, django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=False), CaptureQueriesContext(connection) as captured:
            triage_many(ids)
        counts.append(len(captured.captured_queries))
        assert TimelineEvent.objects.filter(case_id__in=ids, kind=EventKind.CATEGORY_CHANGED).count() >= len(ids) // 2

    # The cases, their clocks, events and audit entries are written once a batch, not once a case (the
    # first batch also reads what the process then keeps, hence at most).
    assert counts[1] <= counts[0], f"{counts[0]} statements for 5 cases, {counts[1]} for 20"


@pytest.mark.django_db
def test_a_batch_writes_the_rows_that_triaging_each_case_alone_writes(
    sla_setup: None, seed_model: Any, django_capture_on_commit_callbacks: Any
) -> None:
    training.store(seed_model, metrics={}, trained_on=len(SEED), source="file", activate=True)
    with time_machine.travel(datetime(2026, 12, 7, 10, 30, tzinfo=UTC), tick=False):  # same instants both ways
        alone, batch = _open(2, django_capture_on_commit_callbacks), _open(2, django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=False):
            for case_id in alone:
                triage(case_id)
            triage_many(batch)

    assert [_written(pk) for pk in batch] == [_written(pk) for pk in alone]
    assert {_written(pk)[0][3] for pk in batch} >= {"urgent", "normal"}  # priorities were set, not only read
    assert all(first_broken_entry(stream_of(Case(pk=pk))) is None for pk in batch)


def _written(case_id: int) -> tuple[Any, ...]:
    """What triage wrote for a case, without ids: its fields, clocks, timeline events and audit entries."""
    case = Case.objects.filter(pk=case_id).values_list("category", "team", "language", "priority", "sla_due_at")
    sla = CaseSla.objects.filter(case_id=case_id).values_list(
        "policy", "calendar", "first_response_due", "resolution_due", "next_response_due", "next_escalation_at"
    )
    timeline = TimelineEvent.objects.filter(case_id=case_id).order_by("pk")
    entries = AuditEntry.objects.filter(stream=f"cases.case:{case_id}", seq__gt=1).order_by("seq")  # after intake
    return (
        case.get(),
        sla.get(),
        list(timeline.values_list("kind", "actor", "actor_kind", "from_value", "to_value", "is_public", "created_at")),
        list(entries.values_list("seq", "actor", "action", "data")),
    )
