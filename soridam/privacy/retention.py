"""Retention classes, the restricted store and the daily purge (R-SEC-7, SPEC §5.4).

Every registered model has a retention class. When a case closes, its statutory records (complaint, contract,
payment…) are copied into the restricted store (``RetainedRecord``) with the date they may be destroyed. Every
day ``purge`` destroys what has outlived its period, in the restricted store and in the live tables, writes
the destruction log, and leaves alone everything under a legal hold.
"""

from __future__ import annotations

import base64
import uuid
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from soridam.cases.models import Case
from soridam.customers.models import Customer
from soridam.privacy import destruction
from soridam.privacy.models_dsr import DestructionTrigger, LegalHold, RetainedRecord, RetentionClass
from soridam.privacy.registry import PersonalData, personal_data

# The classes a law makes us keep (SPEC §5.4); "service" data is kept only while it serves the person.
STATUTORY = frozenset(RetentionClass.values) - {RetentionClass.SERVICE}
BASIS: dict[str, str] = {
    RetentionClass.COMPLAINT: "전자상거래법 시행령 제6조 (3년)",
    RetentionClass.CONTRACT: "전자상거래법 시행령 제6조 (5년)",
    RetentionClass.PAYMENT: "전자상거래법 시행령 제6조 (5년)",
    RetentionClass.ADVERTISING: "전자상거래법 시행령 제6조 (6개월)",
    RetentionClass.ACCESS_LOG: "개인정보의 안전성 확보조치 기준 제8조 (2년)",
    RetentionClass.PERMISSIONS: "개인정보의 안전성 확보조치 기준 제5조 (3년)",
    RetentionClass.SERVICE: "",
}


def months_for(retention: str) -> int:
    return int(settings.SORIDAM_RETENTION_MONTHS.get(retention, 0))


def is_statutory(retention: str) -> bool:
    return retention in STATUTORY and months_for(retention) > 0


def keep_until(retention: str, started: datetime | None) -> datetime | None:
    """When a record of the class whose clock started at ``started`` may be destroyed; None while its clock
    has not started (an open case) or the class has no period."""
    months = months_for(retention)
    if started is None or months == 0:
        return None
    until: datetime = started + relativedelta(months=months)
    return until


def clock_value(entry: PersonalData, row: models.Model) -> datetime | None:
    value: Any = row
    for step in entry.clock.split("__") if entry.clock else ():
        value = getattr(value, step, None)
        if value is None:
            return None
    return value if isinstance(value, datetime) else None


def row_data(row: models.Model) -> dict[str, Any]:
    """A row's concrete fields as JSON-ready values (foreign keys as ids, files by name, bytes in base64)."""
    return {field.attname: _json_value(getattr(row, field.attname)) for field in row._meta.concrete_fields}


def _json_value(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def person_of(customer: Customer | None) -> dict[str, Any]:
    if customer is None:
        return {}
    return {"id": customer.pk, "name": customer.name, "email": customer.email, "phone": customer.phone}


# --- The restricted store ---------------------------------------------------------------------------


def restrict_case(case: Case) -> int:
    """Copy the closed case's statutory records into the restricted store; returns how many rows it holds
    for the case. Called by ``cases.actions`` when a case closes; a second closing refreshes the copies."""
    stored = 0
    for entry in personal_data():
        if not entry.case or not is_statutory(entry.retention):
            continue
        rows = entry.model_class()._default_manager.filter(**{entry.case: case.pk})
        stored += restrict_rows(entry, rows, customer=case.customer, case_id=case.pk)
    return stored


def restrict_rows(
    entry: PersonalData, rows: models.QuerySet[Any], *, customer: Customer | None, case_id: int | None
) -> int:
    """Copy the rows into the restricted store with the date each may be destroyed (a case not closed yet is
    kept for the class's whole period from now). A row copied before is replaced by its current state."""
    person = person_of(customer)
    copies = []
    for row in rows:
        until = keep_until(entry.retention, clock_value(entry, row) or timezone.now())
        if until is not None:
            copies.append(
                RetainedRecord(
                    retention=entry.retention,
                    model=entry.model,
                    object_id=row.pk,
                    customer_id=customer.pk if customer else None,
                    case_id=case_id,
                    data={"row": row_data(row), "person": person},
                    keep_until=until,
                )
            )
    if copies:
        RetainedRecord.objects.filter(model=entry.model, object_id__in=[copy.object_id for copy in copies]).delete()
        RetainedRecord.objects.bulk_create(copies)
    return len(copies)


# --- Legal holds --------------------------------------------------------------------------------------


def held() -> tuple[set[int], set[int]]:
    """The customers and cases under an active legal hold."""
    customers: set[int] = set()
    cases: set[int] = set()
    for customer_id, case_id in LegalHold.objects.filter(released_at__isnull=True).values_list(
        "customer_id", "case_id"
    ):
        if customer_id is not None:
            customers.add(customer_id)
        if case_id is not None:
            cases.add(case_id)
    return customers, cases


def without_held(entry: PersonalData, rows: models.QuerySet[Any], holds: tuple[set[int], set[int]]) -> Any:
    customers, cases = holds
    rows = rows.exclude(**{f"{entry.subject}__in": customers}) if customers else rows
    return rows.exclude(**{f"{entry.case}__in": cases}) if cases and entry.case else rows


# --- The daily purge ----------------------------------------------------------------------------------


def purge(now: datetime | None = None) -> dict[str, int]:
    """Destroy every expired record not under a legal hold; one destruction-log line per class and model.
    Returns how many rows were destroyed per model label (restricted copies under ``restricted:<label>``)."""
    now = now or timezone.now()
    holds = held()
    destroyed = _purge_restricted(now, holds)
    for entry in personal_data():
        if entry.clock and months_for(entry.retention) > 0:
            count = _purge_live(entry, now, holds)
            if count:
                destroyed[entry.model] = count
    return destroyed


def _purge_restricted(now: datetime, holds: tuple[set[int], set[int]]) -> dict[str, int]:
    customers, cases = holds
    expired = RetainedRecord.objects.filter(keep_until__lte=now)
    expired = expired.exclude(customer_id__in=customers).exclude(case_id__in=cases)
    groups: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for pk, retention, model, object_id in expired.values_list("pk", "retention", "model", "object_id"):
        groups[(retention, model)].append((pk, object_id))
    destroyed = {}
    for (retention, model), rows in groups.items():
        with transaction.atomic():
            RetainedRecord.objects.filter(pk__in=[pk for pk, _object in rows]).delete()
            destruction.log(
                retention=retention,
                model=model,
                store=destruction.RESTRICTED,
                ids=[object_id for _pk, object_id in rows],
                trigger=DestructionTrigger.PURGE,
                rule=f"{retention}: {months_for(retention)} months; {BASIS.get(retention, '')}",
                method=destruction.DELETED,
            )
        destroyed[f"restricted:{model}"] = len(rows)
    return destroyed


def _purge_live(entry: PersonalData, now: datetime, holds: tuple[set[int], set[int]]) -> int:
    months = months_for(entry.retention)
    cutoff = now - relativedelta(months=months)
    with transaction.atomic():
        rows = entry.model_class()._default_manager.filter(**{f"{entry.clock}__lte": cutoff})
        pks = destruction.still_personal(entry, without_held(entry, rows, holds))
        if not pks:
            return 0
        rule = f"{entry.retention}: {months} months after {entry.clock}; {BASIS.get(entry.retention, '')}"
        destruction.erase_live_rows(entry, pks, trigger=DestructionTrigger.PURGE, rule=rule)
    return len(pks)
