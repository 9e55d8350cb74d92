"""``Lookup`` returns the same model instances as the ORM, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from soridam.audit.models import AuditEntry
from soridam.cases.models import Case
from soridam.lib.rows import Lookup, insert, update

pytestmark = pytest.mark.django_db


def _values(obj: Model) -> dict[str, Any]:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def test_a_lookup_gives_what_the_orm_gives(make_case: Any) -> None:
    case = make_case()
    found = Lookup(Case, "id = %s").first(case.pk)
    assert found is not None
    assert _values(found) == _values(Case.objects.get(pk=case.pk))  # dates are datetimes on SQLite too
    assert found._state.adding is False
    assert found._state.db == "default"


def test_a_lookup_converts_json_and_orders() -> None:
    for seq in (1, 2):
        AuditEntry.objects.create(actor="a", action="x", stream="s:1", seq=seq, data={"n": seq, "한": "글"})
    last = Lookup(AuditEntry, "stream = %s", order_by="seq DESC").first("s:1")
    assert last is not None
    assert (last.seq, last.data) == (2, {"n": 2, "한": "글"})
    assert Lookup(AuditEntry, "stream = %s").first("s:none") is None


def test_a_locking_lookup_says_for_update_where_the_database_has_it(make_case: Any) -> None:
    case = make_case()
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        Lookup(Case, "id = %s", lock=True).first(case.pk)
    assert ctx.captured_queries[-1]["sql"].endswith("FOR UPDATE") == connection.features.has_select_for_update


def test_insert_stores_the_row_as_save_would() -> None:
    entry = insert(AuditEntry(actor="a", action="x", stream="s:2", seq=1, data={"키": ["값"]}))
    assert entry.pk is not None
    assert entry._state.adding is False
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert _values(stored) == _values(entry)  # the default created_at and the JSON went in unchanged


def test_update_writes_only_the_named_fields(make_case: Any) -> None:
    case = make_case()
    case.subject, case.language = "새 제목", "en"
    update(case, "language")
    stored = Case.objects.get(pk=case.pk)
    assert stored.language == "en"
    assert stored.subject != "새 제목"
    Case.objects.filter(pk=case.pk).delete()
    with pytest.raises(DatabaseError):
        update(case, "language")
