"""``Lookup`` returns the same model instances as the ORM, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Model
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from soridam.audit.models import AuditEntry
from soridam.cases.models import Case
from soridam.channels.models import ChannelMessage
from soridam.customers.models import Customer, Identity
from soridam.lib import rows
from soridam.lib.rows import Lookup, SaveSkipped, insert, update
from soridam.privacy.crypto import blind_index
from soridam.sla.models import BusinessCalendar

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


def test_equal_lookups_share_one_built_statement(make_case: Any) -> None:
    case = make_case()
    assert Lookup(Case, "id = %s").first(case.pk) is not None
    built = len(rows._BUILT)
    for _ in range(3):  # a lookup made inside a function, once per call
        assert Lookup(Case, "id = %s").first(case.pk) is not None
    assert len(rows._BUILT) == built
    Lookup(Case, "id = %s", order_by="id DESC").first(case.pk)  # another clause, another statement
    assert len(rows._BUILT) == built + 1


def test_a_lookup_through_a_foreign_key_gives_what_the_orm_gives(make_case: Any) -> None:
    case = make_case(email="kim@example.kr")
    known = Lookup(Customer, "channel = %s AND external_index = %s", through=(Identity, "customer"))
    found = known.first("email", blind_index("email", "kim@example.kr"))
    assert found is not None
    assert _values(found) == _values(Identity.objects.get(**Identity.match("email", "kim@example.kr")).customer)
    assert found.pk == case.customer_id
    assert known.first("email", blind_index("email", "nobody@example.kr")) is None


def test_a_lookup_names_only_the_columns_of_the_model_it_filters() -> None:
    other_table = ChannelMessage._meta.db_table
    raw = Lookup(Case, f"id = (SELECT case_id FROM {other_table} WHERE external_id = %s)")  # noqa: S608
    with pytest.raises(ValueError, match=other_table):
        raw.first("<x@example.kr>")
    with pytest.raises(ValueError, match="stage"):  # a Case column, but this clause filters messages
        Lookup(Case, "stage = %s", through=(ChannelMessage, "case")).first("x")
    with pytest.raises(TypeError, match="not a foreign key to Case"):
        Lookup(Case, "external_id = %s", through=(ChannelMessage, "payload")).first("x")


def test_insert_and_update_refuse_a_model_whose_save_does_more() -> None:
    with pytest.raises(SaveSkipped, match=r"BusinessCalendar overrides save\(\), which insert\(\) would skip"):
        insert(BusinessCalendar(name="평일"))
    assert not BusinessCalendar.objects.exists()
    calendar = BusinessCalendar.objects.create(name="평일")
    calendar.name = "주말"
    with pytest.raises(SaveSkipped, match=r"which update\(\) would skip"):
        update(calendar, "name")
    assert BusinessCalendar.objects.get().name == "평일"


def test_insert_and_update_refuse_a_model_with_save_receivers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rows, "_BUILT", {})  # a fresh process: receivers connect before the first insert

    def receiver(**kwargs: Any) -> None: ...

    post_save.connect(receiver, sender=AuditEntry)
    try:
        with pytest.raises(SaveSkipped, match="AuditEntry has save signal receivers"):
            insert(AuditEntry(actor="a", action="x", stream="s:3", seq=1, data={}))
        with pytest.raises(SaveSkipped, match="which update\\(\\) would skip"):
            update(AuditEntry.objects.create(actor="a", action="x", stream="s:4", seq=1, data={}), "data")
    finally:
        post_save.disconnect(receiver, sender=AuditEntry)
    assert not AuditEntry.objects.filter(stream="s:3").exists()


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


def test_update_many_writes_each_rows_named_fields_in_one_statement(make_case: Any) -> None:
    cases = [make_case() for _ in range(3)]
    for n, case in enumerate(cases):
        case.subject, case.language, case.priority = "새 제목", ("en", "ko", "en")[n], ("high", "low", "urgent")[n]
    with CaptureQueriesContext(connection) as captured:
        rows.update_many([*cases, cases[0]], "language", "priority")  # a row given twice is written once
    assert len(captured.captured_queries) == 1
    stored = {c.pk: (c.language, c.priority, c.subject) for c in Case.objects.filter(pk__in=[c.pk for c in cases])}
    assert [stored[c.pk][:2] for c in cases] == [("en", "high"), ("ko", "low"), ("en", "urgent")]
    assert all(subject != "새 제목" for _language, _priority, subject in stored.values())
    Case.objects.filter(pk=cases[1].pk).delete()
    with pytest.raises(DatabaseError):
        rows.update_many(cases, "language")


# ``together``: the rows of one change sent in one round trip (PostgreSQL).


def _on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no sequences to reserve ids from: ``together`` changes nothing there")


def _held_entry(seq: int) -> AuditEntry:
    # quotes, a percent sign, a backslash and Korean: the held statement is written out as text
    return AuditEntry(actor="user:1", action="x", stream="s:held", seq=seq, data={"note": "50% 할인 'it\\'s'"})


def test_rows_inserted_together_go_in_one_statement_and_read_back_as_the_orm_writes_them() -> None:
    _on_postgresql()
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        with rows.together(AuditEntry, sequence="cases_case_number_seq") as number:
            first = insert(_held_entry(1))
            assert first.pk is not None  # the reserved id, known before anything is sent
            second = insert(_held_entry(2))  # no id left for AuditEntry: sent at once, with the held row first
            rows.insert_many([AuditEntry(actor="user:1", action="y", stream="s:held", seq=3, pk=first.pk + 10**9)])
        reserve, *sent = [q["sql"] for q in ctx.captured_queries]
    assert isinstance(number, int)
    assert reserve.startswith("SELECT nextval(")
    assert [sql.count("INSERT INTO") for sql in sent] == [1, 1, 1]
    stored = {entry.seq: entry for entry in AuditEntry.objects.filter(stream="s:held")}
    assert stored[1].pk == first.pk
    assert stored[2].pk == second.pk
    assert stored[1].data == {"note": "50% 할인 'it\\'s'"}
    assert stored[1].created_at == first.created_at  # auto_now_add applied as save() does


def test_a_read_inside_the_block_sees_the_held_rows() -> None:
    _on_postgresql()
    with transaction.atomic(), rows.together(AuditEntry):
        insert(_held_entry(1))
        assert AuditEntry.objects.filter(stream="s:held").count() == 1


def test_an_error_inside_the_block_stores_nothing() -> None:
    _on_postgresql()

    def failing_change() -> None:
        with transaction.atomic(), rows.together(AuditEntry):
            insert(_held_entry(1))
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    assert not AuditEntry.objects.filter(stream="s:held").exists()


def test_together_changes_nothing_on_sqlite_and_when_nested() -> None:
    with transaction.atomic(), rows.together(AuditEntry) as number:
        if connection.vendor == "postgresql":
            with rows.together(AuditEntry) as nested:
                assert nested is None
        else:
            assert number is None
            with CaptureQueriesContext(connection) as ctx:
                insert(_held_entry(1))
            assert len(ctx.captured_queries) == 1  # written at once


def test_a_savepoint_rolled_back_inside_the_block_takes_its_held_rows_with_it() -> None:
    _on_postgresql()

    def refused_step() -> None:
        with transaction.atomic():  # its ROLLBACK TO SAVEPOINT is a statement: the held row goes first
            rows.insert_many([AuditEntry(pk=10**12, actor="user:1", action="refused", stream="s:held", seq=9)])
            raise RuntimeError("refused")

    with transaction.atomic(), rows.together(AuditEntry):
        with pytest.raises(RuntimeError):
            refused_step()
        insert(_held_entry(1))
    assert list(AuditEntry.objects.filter(stream="s:held").values_list("action", flat=True)) == ["x"]
