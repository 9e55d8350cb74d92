from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count

from soridam.audit.models import AuditEntry
from soridam.cases.models import Case, Message, TimelineEvent
from soridam.cases.stages import Stage
from soridam.customers.models import Customer
from soridam.demo import synthetic
from soridam.notifications.models import OutboundMessage

pytestmark = pytest.mark.django_db


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_cases", *args, stdout=out)
    return out.getvalue()


def test_generate_cases_creates_that_many_cases_with_unique_valid_references() -> None:
    output = generate("500", "--batch", "120")

    assert Case.objects.count() == 500
    references = list(Case.objects.values_list("reference", flat=True))
    assert len(set(references)) == 500
    assert all(re.fullmatch(r"C-\d{4}-\d{6,}", reference) for reference in references)
    assert len(set(Case.objects.values_list("tracking_token", flat=True))) == 500
    assert re.search(r"[\d,]+ cases/s", output)


def test_each_generated_case_has_one_customer_message_from_its_customer() -> None:
    generate("300")

    per_case = Case.objects.annotate(n=Count("messages")).values_list("n", flat=True)
    assert set(per_case) == {1}
    message = Message.objects.select_related("case").first()
    assert message is not None
    assert message.kind == "customer"
    assert message.author_customer_id == message.case.customer_id
    assert message.created_at == message.case.created_at


def test_generated_cases_spread_over_teams_stages_and_statuses_and_reuse_a_customer_pool() -> None:
    generate("2000")

    assert Case.objects.values("team").distinct().count() >= 3
    assert set(Case.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert {"open", "waiting", "solved", "closed"} <= set(Case.objects.values_list("status", flat=True))
    assert Customer.objects.count() == 1000
    generate("100")
    assert Customer.objects.count() == 1000
    for case in Case.objects.exclude(closed_at=None)[:50]:
        assert case.created_at <= case.updated_at
        assert case.closed_at == case.updated_at


def test_generated_cases_bypass_timeline_audit_and_notifications() -> None:
    generate("50")

    assert not TimelineEvent.objects.exists()
    assert not AuditEntry.objects.exists()
    assert not OutboundMessage.objects.exists()


def test_generate_cases_refuses_a_count_below_one() -> None:
    with pytest.raises(CommandError):
        generate("0")
    assert not Case.objects.exists()


KEYS = ("columns", "unique", "foreign_key", "index", "primary_key")


def schema_of(*tables: str) -> dict[str, dict[str, Any]]:
    with connection.cursor() as cursor:
        return {
            f"{table}.{name}": {
                key: constraint[key] for key in ("columns", "unique", "foreign_key", "index", "primary_key")
            }
            for table in tables
            for name, constraint in connection.introspection.get_constraints(cursor, table).items()
        }


def test_a_big_load_builds_every_index_and_constraint_again_after_dropping_them(monkeypatch: Any) -> None:
    monkeypatch.setattr(synthetic, "REBUILD_AT", 100)
    before = schema_of("cases_case", "cases_message")

    generate("300", "--batch", "70")

    assert schema_of("cases_case", "cases_message") == before
    assert Case.objects.count() == 300
    first, second = Case.objects.order_by("id")[:2]
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=first.pk).update(reference=second.reference)
