"""Escalation rules fire once per (case, rule, target), also with two schedulers at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import OperationalError, connection, connections

from soridam.accounts.models import User
from soridam.cases.models import Case, Priority
from soridam.sla import risk
from soridam.sla.models import (
    EscalationAction,
    EscalationFired,
    EscalationRule,
    LeadNotice,
    PeriodicRun,
    SlaPolicy,
    Target,
)
from soridam.sla.periodic import SCHEDULE, Periodic, SchedulerThread, run_due
from soridam.sla.tasks import check_escalations

KST = ZoneInfo("Asia/Seoul")


def kst(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=KST)


@pytest.fixture
def rules(policy: SlaPolicy) -> list[EscalationRule]:
    return [
        EscalationRule.objects.create(target=Target.FIRST_RESPONSE, percent=75, action=EscalationAction.NOTIFY_LEAD),
        EscalationRule.objects.create(
            target=Target.FIRST_RESPONSE, percent=100, action=EscalationAction.RAISE_PRIORITY
        ),
    ]


def test_each_threshold_fires_once_at_its_time(
    rules: list[EscalationRule], make_case: Callable[..., Case], lena: User, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(kst(2026, 11, 23, 10, 0), tick=False):
        case = make_case()
    # 240 minutes from 10:00 → due 15:00; 75% passed at 14:00 (lunch excluded).
    assert case.sla.next_escalation_at == kst(2026, 11, 23, 14, 0)
    with time_machine.travel(kst(2026, 11, 23, 13, 59), tick=False):
        assert check_escalations.call() == 0
    with (
        time_machine.travel(kst(2026, 11, 23, 14, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert check_escalations.call() == 1
        assert check_escalations.call() == 0
    assert LeadNotice.objects.filter(recipient=lena, case=case).count() == 1
    (alert,) = [m for m in mail.outbox if m.to == [lena.email]]
    assert case.reference in alert.subject
    assert f"/workspace/cases/{case.pk}/" in alert.body
    with time_machine.travel(kst(2026, 11, 23, 15, 1), tick=False):
        assert check_escalations.call() == 1
        assert check_escalations.call() == 0
    case.refresh_from_db()
    assert case.priority == Priority.HIGH
    assert EscalationFired.objects.filter(case=case).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_schedulers_fire_each_threshold_once(
    rules: list[EscalationRule], make_case: Callable[..., Case], lena: User
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL; SQLite serialises writers")
    with time_machine.travel(kst(2026, 11, 23, 9, 0), tick=False):
        cases = [make_case(email=f"c{i}@example.kr") for i in range(6)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def scheduler() -> None:
        try:
            barrier.wait()
            check_escalations.call()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    with time_machine.travel(kst(2026, 11, 23, 16, 0), tick=False):
        threads = [threading.Thread(target=scheduler) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not errors
    assert EscalationFired.objects.count() == 2 * len(cases)
    assert LeadNotice.objects.filter(recipient=lena).count() == len(cases)
    assert set(Case.objects.values_list("priority", flat=True)) == {Priority.HIGH}


def test_a_due_job_is_enqueued_once_per_period(db: None) -> None:
    jobs = [Periodic("risk", "soridam.sla.tasks.refresh_breach_risk", timedelta(minutes=5))]
    with time_machine.travel(kst(2026, 11, 23, 10, 0), tick=False):
        assert run_due(schedule=jobs) == ["risk"]
        assert run_due(schedule=jobs) == []
    with time_machine.travel(kst(2026, 11, 23, 10, 5), tick=False):
        assert run_due(schedule=jobs) == ["risk"]


def test_breach_risk_grows_with_elapsed_time_and_queue() -> None:
    assert risk.score(240, 240, 0, 1, 0.0) == 0
    assert risk.score(0, 240, 0, 1, 0.0) == 100
    assert risk.score(60, 240, 0, 1, 0.0) == 60
    assert risk.score(60, 240, 8, 1, 0.0) == 99  # 120 minutes of queue ahead, 60 left
    assert risk.level(risk.score(60, 240, 8, 1, 0.0)) == "high"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_schedulers_enqueue_a_due_job_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL; SQLite serialises writers")
    jobs = [Periodic(f"job{i}", "soridam.sla.tasks.refresh_breach_risk", timedelta(minutes=5)) for i in range(20)]
    enqueued: list[str] = []
    barrier = threading.Barrier(2)

    def scheduler() -> None:
        try:
            barrier.wait()
            enqueued.extend(run_due(schedule=jobs))
        finally:
            connections.close_all()

    with time_machine.travel(kst(2026, 11, 23, 10, 0), tick=False):
        threads = [threading.Thread(target=scheduler) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(enqueued) == sorted(job.name for job in jobs)


def test_reassign_at_breach_moves_the_case_to_another_online_agent(
    policy: SlaPolicy, make_case: Callable[..., Case], alice: User, bob: User
) -> None:
    from soridam.accounts.models import Membership, Role
    from soridam.audit.actors import Actor
    from soridam.cases import actions
    from soridam.routing.models import AgentState, Presence

    carol = User.objects.create_user(username="carol", role=Role.AGENT)
    Membership.objects.create(user=carol, team=alice.teams.get())
    for agent in (alice, carol):
        AgentState.objects.create(agent=agent, presence=Presence.ONLINE)
    EscalationRule.objects.create(target=Target.FIRST_RESPONSE, percent=100, action=EscalationAction.REASSIGN)
    with time_machine.travel(kst(2026, 11, 23, 10, 0), tick=False):
        case = make_case()
        actions.assign(case, alice, actor=Actor(user=alice))
    with time_machine.travel(kst(2026, 11, 23, 15, 0), tick=False):
        assert check_escalations.call() == 1
    case.refresh_from_db()
    assert case.assignee == carol


def test_a_lead_reads_alerts_in_the_workspace(
    rules: list[EscalationRule], make_case: Callable[..., Case], lena: User, client: Any
) -> None:
    with time_machine.travel(kst(2026, 11, 23, 10, 0), tick=False):
        case = make_case()
    with time_machine.travel(kst(2026, 11, 23, 14, 0), tick=False):
        check_escalations.call()
    client.force_login(lena)
    page = client.get("/workspace/sla/alerts/").content.decode()
    assert case.reference in page
    assert f"/workspace/cases/{case.pk}/" in page
    assert client.post("/workspace/sla/alerts/").status_code == 302
    assert not LeadNotice.objects.filter(recipient=lena, read_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_thread_of_a_worker_enqueues_the_due_jobs_until_stopped() -> None:
    """``db_worker --scheduler`` (the first task worker under `make run`) does manage.py scheduler's work."""
    thread = SchedulerThread(interval=0.05)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while _jobs_run() < len(SCHEDULE):
            assert time.monotonic() < deadline, "the scheduler thread enqueued nothing within 30 s"
            time.sleep(0.05)
    finally:
        thread.stop()
        thread.join(10)
    assert not thread.is_alive()


def _jobs_run() -> int:
    try:
        return PeriodicRun.objects.filter(last_run_at__isnull=False).count()
    except OperationalError:  # the in-memory test database's shared cache: a table lock while the thread writes
        return 0
