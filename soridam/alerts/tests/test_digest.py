"""The e-mail digest reaches a real SMTP server once per notification, and only for agents who opted in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from conftest import Mailbox
from soridam.accounts.models import User
from soridam.alerts.models import Alert, AlertKind, AlertSettings
from soridam.alerts.tasks import send_alert_digests
from soridam.cases.models import Case

pytestmark = [pytest.mark.django_db, pytest.mark.smtp]


def _old_alert(recipient: User, case: Case, minutes: int = 45, **fields: Any) -> Alert:
    created = timezone.now() - timedelta(minutes=minutes)
    return Alert.objects.create(recipient=recipient, case=case, created_at=created, **fields)


def test_each_unread_alert_is_mailed_once_to_opted_in_agents_only(
    smtp_server: Mailbox, settings: Any, alice: User, bob: User, make_case: Callable[..., Case]
) -> None:
    settings.SORIDAM_ALERT_DIGEST_AFTER_MINUTES = 30
    AlertSettings.objects.create(user=alice, email_digest=True)
    case = make_case()
    replied = _old_alert(alice, case, kind=AlertKind.CUSTOMER_REPLIED)
    _old_alert(alice, case, kind=AlertKind.MENTIONED, read_at=timezone.now())  # read: not in a digest
    fresh = _old_alert(alice, case, minutes=5, kind=AlertKind.ASSIGNED)  # too new for this digest
    _old_alert(bob, case, kind=AlertKind.ASSIGNED)  # bob did not opt in
    smtp_server.messages.clear()  # the customer's acknowledgement of the case
    connection = connections["default"]  # this thread's connection, read by the server's thread
    smtp_server.watch(connection)
    outside = len(connection.atomic_blocks)  # the test's own transaction

    assert send_alert_digests.call() == 1
    assert send_alert_digests.call() == 0  # nothing mailed twice
    ((envelope, message),) = smtp_server.messages
    assert envelope.rcpt_tos == ["alice@shop.test"]
    body = message.get_content()
    assert case.reference in body
    assert "고객이 답장했습니다" in body
    assert "나에게 배정됨" not in body
    assert f"/workspace/alerts/{replied.pk}/" in body
    assert "김민지" not in body
    assert "kim@example.kr" not in body
    assert smtp_server.atomic_depths == [outside, outside]  # sent with no transaction of ours open

    Alert.objects.filter(pk=fresh.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert send_alert_digests.call() == 1
    assert len(smtp_server.messages) == 2
    assert f"/workspace/alerts/{fresh.pk}/" in smtp_server.messages[1][1].get_content()
    assert f"/workspace/alerts/{replied.pk}/" not in smtp_server.messages[1][1].get_content()


def test_a_refused_digest_is_tried_again_next_time(
    smtp_server: Mailbox, alice: User, make_case: Callable[..., Case]
) -> None:
    AlertSettings.objects.create(user=alice, email_digest=True)
    alert = _old_alert(alice, make_case(), kind=AlertKind.REOPENED)
    smtp_server.refusals["alice@shop.test"] = "451 4.3.0 Try again later"
    smtp_server.messages.clear()
    with pytest.raises(Exception, match="alice@shop.test"):
        send_alert_digests.call()
    alert.refresh_from_db()
    assert alert.digested_at is None
    del smtp_server.refusals["alice@shop.test"]
    assert send_alert_digests.call() == 1
    assert len(smtp_server.messages) == 1
