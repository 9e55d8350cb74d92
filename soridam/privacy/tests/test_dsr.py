"""Data-subject requests: the export covers every registered model, erasure keeps only what the law keeps."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soridam.audit.actors import Actor
from soridam.audit.models import AuditEntry
from soridam.privacy import dsr, retention
from soridam.privacy.models_dsr import DestructionLog, RequestKind, RequestState, RetainedRecord
from soridam.privacy.registry import personal_data
from soridam.privacy.tests.people import PersonBuilder, marker, stored_marker
from soridam.sla.schedules import default_schedule

pytestmark = pytest.mark.django_db
KST = ZoneInfo("Asia/Seoul")


def test_the_export_holds_a_row_of_every_registered_model_and_every_marker(teams: object) -> None:
    builder = PersonBuilder()
    rows = builder.build_all()
    bundle = zipfile.ZipFile(io.BytesIO(dsr.export_zip(builder.customer)))
    data = json.loads(bundle.read("personal-data.json"))
    html = bundle.read("personal-data.html").decode()
    text = json.dumps(data, ensure_ascii=False).replace(_b64(marker("soridam_channels.RawPayload", "raw")), "raw_b64")
    for entry in personal_data():
        exported = data["records"].get(entry.model, [])
        assert rows[entry.model].pk in [row["id"] for row in exported], entry.model
        assert entry.model in html
        for name in entry.anonymise if entry.model != "customers.Customer" else ():
            assert stored_marker(entry.model, name) in text.lower() or f"{name}_b64" in text, (entry.model, name)
    assert {builder.customer.name, builder.customer.email, builder.customer.phone} <= set(data["subject"].values())
    assert builder.customer.name in html


def test_another_persons_rows_are_not_in_the_export(teams: object) -> None:
    mine, theirs = PersonBuilder(name="김철수"), PersonBuilder(name="이영희")
    mine.build_all()
    theirs.build_all()
    exported = json.dumps(dsr.export_data(mine.customer), ensure_ascii=False)
    assert "김철수" in exported
    assert "이영희" not in exported


def test_erasure_leaves_only_the_statutory_classes_and_lists_them(teams: object) -> None:
    builder = PersonBuilder(closed_at=datetime(2026, 11, 2, 10, tzinfo=KST))
    builder.build_all()
    request = dsr.open_request(builder.customer, RequestKind.ERASURE, actor=Actor(user=builder.staff), via="staff")
    done = dsr.carry_out(request, actor=Actor(user=builder.staff))

    assert done.state == RequestState.DONE
    kept = {item["model"]: item for item in done.outcome["kept"]}
    for entry in personal_data():
        rows = dsr.rows_of(entry, builder.customer.pk)
        if retention.is_statutory(entry.retention):
            assert entry.model in kept, entry.model
            assert kept[entry.model]["retention"] == entry.retention
            assert kept[entry.model]["basis"]
            assert RetainedRecord.objects.filter(model=entry.model).exists(), entry.model
        else:
            assert entry.model not in kept
            assert not dsr.destruction.still_personal(entry, rows), f"{entry.model} still holds personal data"
    assert set(kept) == {entry.model for entry in personal_data() if retention.is_statutory(entry.retention)}
    assert DestructionLog.objects.filter(trigger="erasure", model="customers.Identity", count=1).exists()
    builder.customer.refresh_from_db()
    assert (builder.customer.name, builder.customer.email, builder.customer.phone) == ("", "", "")
    assert AuditEntry.objects.filter(action="case.personal_data_erased").count() == 1


def test_a_request_is_due_ten_business_days_later_skipping_weekends_and_holidays() -> None:
    schedule = default_schedule()
    # Friday 2026-09-18: 추석 (09-24, 25) and the substitute for 개천절 (10-05) do not count, so the tenth
    # business day is Wednesday 10-07, due by its end.
    due = dsr.business_days_after(schedule, datetime(2026, 9, 18, 15, tzinfo=KST), 10)
    assert due == datetime(2026, 10, 8, 0, tzinfo=KST)
    # A plain fortnight: Monday 2026-11-02 → Monday 11-16, the end of that day.
    assert dsr.business_days_after(schedule, datetime(2026, 11, 2, 9, tzinfo=KST), 10) == datetime(
        2026, 11, 17, 0, tzinfo=KST
    )


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@given(st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 1)), st.times(), st.integers(1, 15))
@settings(max_examples=60, deadline=None)
def test_the_due_day_is_exactly_the_nth_business_day_after_the_request(day: date, moment: time, days: int) -> None:
    schedule = default_schedule()
    received = datetime.combine(day, moment, KST)
    due = dsr.business_days_after(schedule, received, days)
    last_day = (due - timedelta(days=1)).date()
    counted = [
        received.date() + timedelta(days=offset)
        for offset in range(1, (last_day - received.date()).days + 1)
        if schedule.hours.get((received.date() + timedelta(days=offset)).weekday())
        and not schedule.is_closed(received.date() + timedelta(days=offset))
    ]
    assert len(counted) == days
    assert counted[-1] == last_day
    assert due.time() == time(0)
