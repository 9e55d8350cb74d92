"""The hourly checkpoint and the daily verification run from the scheduler and alert the admins."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client

from soridam.accounts.models import User
from soridam.alerts.models import Alert, AlertKind
from soridam.audit.models import AuditCheckpoint, AuditEntry
from soridam.audit.tasks import checkpoint_audit, verify_audit_log
from soridam.audit.tests.conftest import tamper
from soridam.sla.periodic import SCHEDULE

pytestmark = pytest.mark.django_db
Maker = Callable[..., tuple[str, list[AuditEntry]]]


def test_the_scheduler_runs_the_checkpoint_hourly_and_the_verification_daily() -> None:
    every = {job.task_path: job.every.total_seconds() for job in SCHEDULE}
    assert every["soridam.audit.tasks.checkpoint_audit"] == 3600
    assert every["soridam.audit.tasks.verify_audit_log"] == 86400


def test_a_clean_log_alerts_nobody(stream_of_three: Maker, root: User) -> None:
    stream_of_three()
    assert checkpoint_audit.call() == 1
    assert AuditCheckpoint.objects.count() == 1
    assert verify_audit_log.call() == 0
    assert not Alert.objects.filter(kind=AlertKind.AUDIT_BROKEN).exists()


def test_a_broken_log_alerts_each_admin_once_with_the_first_broken_entry(
    stream_of_three: Maker, root: User, alice: User
) -> None:
    stream, (_first, second, _third) = stream_of_three()
    tamper("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["team.deleted", second.pk])
    mail.outbox.clear()
    assert verify_audit_log.call() == 1
    assert verify_audit_log.call() == 1  # still broken: the unread alert is not repeated
    alerts = list(Alert.objects.filter(kind=AlertKind.AUDIT_BROKEN))
    assert [(alert.recipient, alert.case, alert.detail) for alert in alerts] == [(root, None, f"{stream} #2")]
    assert [message.to for message in mail.outbox] == [[root.email], [root.email]]
    assert f"stream {stream}, seq 2, entry {second.pk}" in mail.outbox[0].body
    client = Client()
    client.force_login(root)
    assert stream in client.get("/workspace/alerts/").content.decode()
    assert client.get(f"/workspace/alerts/{alerts[0].pk}/").url == "/admin/audit/auditentry/"


def test_the_admin_lists_checkpoints_read_only(stream_of_three: Maker, root: User) -> None:
    stream_of_three()
    checkpoint_audit.call()
    client = Client()
    client.force_login(root)
    page = client.get("/admin/audit/auditcheckpoint/")
    assert page.status_code == 200
    assert client.get("/admin/audit/auditcheckpoint/add/").status_code == 403
    assert AuditCheckpoint.objects.count() == 1
