"""The daily purge with frozen time: it destroys exactly what outlived its period, logs it, and respects holds."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Message
from soridam.lib.jobs import task_at
from soridam.privacy import destruction, retention
from soridam.privacy.models import AccessLog
from soridam.privacy.models_dsr import DestructionLog, LegalHold, RetainedRecord
from soridam.privacy.registry import entry_for, personal_data
from soridam.privacy.tests.people import PersonBuilder
from soridam.sla.periodic import SCHEDULE

pytestmark = pytest.mark.django_db
KST = ZoneInfo("Asia/Seoul")
CLOSED = datetime(2022, 6, 1, 10, tzinfo=KST)
PURGE_DAY = datetime(2026, 1, 10, 3, tzinfo=KST)  # complaints (3 y) and access logs (2 y) expired, payments (5 y) not


def _person() -> PersonBuilder:
    with time_machine.travel(CLOSED, tick=False):
        builder = PersonBuilder(closed_at=CLOSED)
        builder.build_all()
        retention.restrict_case(builder.rows["cases.Case"])  # type: ignore[arg-type]
    return builder


def _still_personal(builder: PersonBuilder, label: str) -> list[int]:
    entry = entry_for(label)
    rows = entry.model_class()._default_manager.filter(**{entry.subject: builder.customer.pk})
    return destruction.still_personal(entry, rows)


def _expired(builder: PersonBuilder, label: str) -> bool:
    entry = entry_for(label)
    row = builder.rows[label]
    until = retention.keep_until(entry.retention, retention.clock_value(entry, row))
    return until is not None and until <= PURGE_DAY


def test_the_purge_destroys_exactly_the_expired_records_and_logs_them(teams: Any) -> None:
    builder, held = _person(), _person()
    LegalHold.objects.create(customer=held.customer, reason="소송 진행 중", placed_by=held.staff)
    with time_machine.travel(datetime(2025, 6, 1, tzinfo=KST), tick=False):
        recent = AccessLog.objects.create(
            user=builder.staff, case=builder.rows["cases.Case"], action="reveal", reason="recent"
        )

    expired = {entry.model: _expired(builder, entry.model) for entry in personal_data() if entry.clock}
    with time_machine.travel(PURGE_DAY, tick=False):
        call_command("purge_expired", stdout=None)

    message = builder.rows["cases.Message"]
    assert Message.objects.get(pk=message.pk).body == ""
    assert _still_personal(builder, "orders.Order")  # contracts: 5 years, not yet
    assert _still_personal(builder, "policy.Remedy")  # payments: 5 years, not yet
    assert AccessLog.objects.filter(pk=recent.pk).exists()  # a year and a half old: kept
    assert not AccessLog.objects.filter(pk=builder.rows["privacy.AccessLog"].pk).exists()
    for entry in personal_data():
        if entry.clock and entry.model in builder.rows:
            kept = builder.rows[entry.model].pk in _still_personal(builder, entry.model)
            assert kept != expired[entry.model], entry.model
        assert _still_personal(held, entry.model) or not entry.anonymise, f"held {entry.model} was destroyed"

    line = DestructionLog.objects.get(model="cases.Message", store="live")
    assert (line.count, line.trigger, line.retention) == (1, "purge", "complaint")
    assert line.hashed_ids == [destruction.hashed_id("cases.Message", message.pk)]
    assert "36 months" in line.rule
    assert line.method.startswith("overwritten")

    restricted = RetainedRecord.objects.filter(customer_id=builder.customer.pk)
    assert set(restricted.values_list("retention", flat=True)) == {"payment"}  # its complaint copies are gone
    assert DestructionLog.objects.filter(store="restricted", model="cases.Case", count=1).exists()
    assert RetainedRecord.objects.filter(customer_id=held.customer.pk, retention="complaint").exists()


def test_a_second_purge_finds_nothing_more(teams: Any) -> None:
    _person()
    with time_machine.travel(PURGE_DAY, tick=False):
        first = retention.purge()
        lines = DestructionLog.objects.count()
        assert retention.purge() == {}
    assert first
    assert DestructionLog.objects.count() == lines


def test_a_released_hold_no_longer_protects(teams: Any) -> None:
    builder = _person()
    LegalHold.objects.create(
        case=builder.rows["cases.Case"], reason="분쟁", placed_by=builder.staff, released_at=CLOSED
    )
    with time_machine.travel(PURGE_DAY, tick=False):
        retention.purge()
    assert not _still_personal(builder, "cases.Message")


def test_nothing_is_destroyed_before_its_period_ends(teams: Any) -> None:
    builder = _person()
    with time_machine.travel(datetime(2025, 5, 30, tzinfo=KST), tick=False):  # 2 days short of 3 years
        destroyed = retention.purge()
    assert "cases.Message" not in destroyed
    assert _still_personal(builder, "cases.Message")


def test_closing_a_case_copies_its_statutory_records_to_the_restricted_store(make_case: Any, alice: Any) -> None:
    case = make_case()
    with time_machine.travel(CLOSED, tick=False):
        actions.change_status(case, "closed", actor=Actor(user=alice))
    copies = RetainedRecord.objects.filter(case_id=case.pk)
    assert set(copies.values_list("model", flat=True)) >= {"cases.Case", "cases.Message"}
    copy = copies.get(model="cases.Message")
    assert copy.keep_until == datetime(2025, 6, 1, 10, tzinfo=KST)
    assert copy.data["row"]["body"] == case.messages.first().body
    assert copy.data["person"]["email"] == case.customer.email


def test_the_scheduler_runs_the_purge_daily_and_the_overdue_check_hourly() -> None:
    every = {job.name: (job.task_path, job.every) for job in SCHEDULE}
    assert every["privacy_purge"] == ("soridam.privacy.tasks.purge_expired", timedelta(hours=24))
    assert every["privacy_requests_overdue"] == ("soridam.privacy.tasks.alert_overdue_requests", timedelta(hours=1))
    assert task_at("soridam.privacy.tasks.purge_expired") is not None
