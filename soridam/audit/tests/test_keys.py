"""The MAC key lives outside the database and can be rotated."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from soridam.audit import keys
from soridam.audit.checkpoints import Problem, take_checkpoint
from soridam.audit.checks import audit_key_configured
from soridam.audit.models import AuditEntry
from soridam.audit.verify import verify_all

pytestmark = pytest.mark.django_db
Maker = Callable[..., tuple[str, list[AuditEntry]]]


def test_a_rotated_key_still_verifies_what_it_signed(stream_of_three: Maker) -> None:
    with override_settings(SORIDAM_AUDIT_KEY="old-key-" + "x" * 32):
        old_id = keys.current_key_id()
        stream, (first, _, _) = stream_of_three("Returns")
        take_checkpoint()
    with override_settings(SORIDAM_AUDIT_KEY="new-key-" + "y" * 32, SORIDAM_AUDIT_OLD_KEYS=["old-key-" + "x" * 32]):
        assert keys.current_key_id() != old_id
        stream_of_three("Refunds")
        take_checkpoint()
        assert verify_all() == []
        assert AuditEntry.objects.get(pk=first.pk).key_id == old_id
    with override_settings(SORIDAM_AUDIT_KEY="new-key-" + "y" * 32, SORIDAM_AUDIT_OLD_KEYS=[]):
        problems = verify_all()
    what = f"its MAC key {old_id!r} is not configured (SORIDAM_AUDIT_OLD_KEYS)"
    assert Problem(stream, 1, first.pk, what) in problems


def test_the_key_is_not_stored_in_the_database(stream_of_three: Maker, settings: Any) -> None:
    settings.SORIDAM_AUDIT_KEY = "a-key-that-only-the-environment-holds"
    stream_of_three()
    rows = list(AuditEntry.objects.values_list("mac", "key_id", "data"))
    assert all(settings.SORIDAM_AUDIT_KEY not in str(row) for row in rows)
    assert all(len(mac) == 64 for mac, _key_id, _data in rows)


def test_check_warns_in_production_without_a_key(settings: Any) -> None:
    settings.SORIDAM_DEMO = False
    settings.SORIDAM_AUDIT_KEY = ""
    assert [message.id for message in audit_key_configured()] == ["soridam.audit.W001"]
    settings.SORIDAM_AUDIT_KEY = "set"
    assert audit_key_configured() == []
    settings.SORIDAM_DEMO = True
    settings.SORIDAM_AUDIT_KEY = ""
    assert audit_key_configured() == []
    call_command("check")
