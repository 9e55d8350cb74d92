"""The application's own connection cannot change or delete audit rows on PostgreSQL (the trigger of
migration 0003), except inside the legal purge; and the purge keeps the log verifiable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.audit.audit import PURGE_STREAM
from soridam.audit.checkpoints import take_checkpoint
from soridam.audit.models import AuditCheckpoint, AuditEntry
from soridam.audit.permissions import user_stream
from soridam.audit.purge import UnderRetention, purge_streams, purging
from soridam.audit.verify import verify_all

pytestmark = pytest.mark.django_db
Maker = Callable[..., tuple[str, list[AuditEntry]]]
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")


@postgresql_only
@pytest.mark.parametrize(
    "sql",
    ["UPDATE audit_auditentry SET action = 'team.deleted' WHERE id = %s", "DELETE FROM audit_auditentry WHERE id = %s"],
)
def test_the_application_connection_cannot_update_or_delete_an_audit_row(stream_of_three: Maker, sql: str) -> None:
    _stream, (first, _second, _third) = stream_of_three()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [first.pk])
    assert AuditEntry.objects.get(pk=first.pk).action == "team.step1"


@postgresql_only
def test_the_application_connection_cannot_delete_a_checkpoint(stream_of_three: Maker) -> None:
    stream_of_three()
    checkpoint, _ = take_checkpoint()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditCheckpoint.objects.filter(pk=checkpoint.pk).delete()
    assert AuditCheckpoint.objects.filter(pk=checkpoint.pk).exists()


@postgresql_only
def test_the_purge_setting_lasts_only_for_its_transaction(stream_of_three: Maker) -> None:
    _stream, (first, _second, _third) = stream_of_three()
    with transaction.atomic(), purging():
        pass
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=first.pk).delete()


def test_purging_a_stream_keeps_the_log_verifiable_and_records_the_purge(stream_of_three: Maker, root: User) -> None:
    purged, _ = stream_of_three("Returns")
    kept, _ = stream_of_three("Refunds")
    take_checkpoint()
    deleted = purge_streams([purged], actor=Actor(user=root), reason="retention expired")
    assert deleted == 3
    assert not AuditEntry.objects.filter(stream=purged).exists()
    assert AuditEntry.objects.filter(stream=kept).count() == 3
    record = AuditEntry.objects.get(stream=PURGE_STREAM)
    assert record.data == {"streams": 1, "entries": 3, "reason": "retention expired"}
    assert verify_all() == []


def test_permission_changes_are_kept_three_years(root: User) -> None:
    stream = user_stream(root.pk)
    assert AuditEntry.objects.filter(stream=stream).exists()
    with pytest.raises(UnderRetention):
        purge_streams([stream], actor=Actor(user=root), reason="too early", now=timezone.now() + timedelta(days=1000))
    assert AuditEntry.objects.filter(stream=stream).exists()
    later = timezone.now() + timedelta(days=3 * 365 + 1)
    assert purge_streams([stream], actor=Actor(user=root), reason="3 years", now=later) >= 1
    with pytest.raises(UnderRetention):
        purge_streams([PURGE_STREAM], actor=Actor(user=root), reason="hide the purge", now=later)
