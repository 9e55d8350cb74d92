"""Helpers that tamper with the audit table in SQL, as someone with write access to the database would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from soridam.accounts.models import Team
from soridam.audit.actors import SYSTEM
from soridam.audit.audit import record, stream_of
from soridam.audit.models import AuditEntry


def tamper(sql: str, params: list[Any]) -> None:
    """Run ``sql`` on the audit table. On PostgreSQL the append-only trigger is switched off for this
    transaction first, as a database owner could: the MACs and checkpoints must catch it anyway."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('soridam.audit_purge', 'on', true)")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('soridam.audit_purge', 'off', true)")


@pytest.fixture
def stream_of_three(db: None) -> Callable[[str], tuple[str, list[AuditEntry]]]:
    """A team's audit stream with three entries (any audited object would do)."""

    def make(name: str = "Returns") -> tuple[str, list[AuditEntry]]:
        team = Team.objects.create(name=name, slug=name.lower())
        made = [record(SYSTEM, f"team.step{n}", target=team, data={"n": n}) for n in (1, 2, 3)]
        return stream_of(team), made

    return make
