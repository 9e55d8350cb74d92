from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone

from soridam.audit.models import AuditEntry
from soridam.cases.models import Case, Category, Message, Priority, TimelineEvent
from soridam.cases.stages import Stage
from soridam.customers.models import Customer
from soridam.demo import phrases_en, phrases_ko, synthetic
from soridam.demo.stories import CHANNEL_WEIGHTS
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


def test_generate_cases_today_opens_them_all_since_local_midnight_as_a_live_desks_do() -> None:
    generate("300", "--today")

    opened = Case.objects.values_list("created_at", flat=True)
    assert {timezone.localtime(moment).date() for moment in opened} == {timezone.localdate()}
    assert {"open", "waiting"} <= set(Case.objects.values_list("status", flat=True))


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


NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
HANGUL = re.compile(r"[가-힣]")


def test_nine_in_ten_first_messages_differ_in_their_wording_not_only_in_numbers() -> None:
    synthetic.generate_cases(5000, now=NOW)

    bodies = list(Message.objects.values_list("body", flat=True))
    assert len(bodies) == 5000
    assert len(set(bodies)) >= 0.9 * len(bodies)
    assert len({re.sub(r"\d+", "", body) for body in bodies}) >= 0.9 * len(bodies)
    subjects = list(Case.objects.values_list("subject", flat=True))
    assert len(set(subjects)) >= 200
    leftovers = [text for text in [*bodies, *subjects] if re.search(r"[{}]|\((가|를|는)\)", text)]
    assert leftovers == []


def texts_of_the_run() -> list[tuple[str, ...]]:
    """What the seed decides, in id order; the order number is drawn from the id, so it is cut out."""
    rows = []
    for case in Case.objects.order_by("id").prefetch_related("messages"):
        body = case.messages.all()[0].body
        if case.order_number:
            body = body.replace(case.order_number, "#")
        subject = case.subject.replace(case.order_number, "#") if case.order_number else case.subject
        rows.append((subject, body, case.priority, case.status, case.stage, case.channel, str(case.category_id)))
    return rows


def test_the_same_seed_writes_the_same_cases_and_another_seed_others() -> None:
    synthetic.generate_cases(300, seed=11, now=NOW)
    first = texts_of_the_run()
    Case.objects.all().delete()

    synthetic.generate_cases(300, seed=11, now=NOW)
    assert texts_of_the_run() == first
    Case.objects.all().delete()

    synthetic.generate_cases(300, seed=12, now=NOW)
    other = texts_of_the_run()
    assert sum(a[1] == b[1] for a, b in zip(first, other, strict=True)) < 10


def test_every_generated_row_is_valid_and_tells_its_story_in_the_customers_language() -> None:
    synthetic.generate_cases(3000, now=NOW)

    pool = dict(Customer.objects.filter(email__endswith=synthetic.POOL_DOMAIN).values_list("id", "language"))
    teams = dict(Category.objects.values_list("id", "default_team_id"))
    oldest = NOW - timedelta(days=synthetic.SPAN_DAYS)
    for case in Case.objects.prefetch_related("messages"):
        (message,) = case.messages.all()
        assert case.customer_id in pool
        assert case.language == ("ko" if pool[case.customer_id].startswith("ko") else "en")
        assert bool(HANGUL.search(message.body)) == (case.language == "ko"), message.body
        assert case.channel in CHANNEL_WEIGHTS
        assert message.channel == case.channel
        assert case.priority in Priority.values
        if case.category_id is None:
            assert case.stage == Stage.INTAKE
            assert case.team_id is None
        else:
            assert case.team_id == teams[case.category_id]
        assert oldest <= case.created_at <= case.updated_at <= NOW
        assert message.created_at == case.created_at
        reached = [case.intake_at, case.classification_at, case.investigation_at, case.resolution_at]
        reached += [case.notification_at, case.follow_up_at]
        times = [moment for moment in reached if moment is not None]
        assert times == sorted(times)
        assert times[0] == case.created_at
        if case.order_number:
            assert case.order_number.startswith(f"{case.created_at.year}-")


def test_the_priority_is_the_one_the_text_calls_for() -> None:
    synthetic.generate_cases(4000, now=NOW)

    cases = list(Case.objects.select_related("category").prefetch_related("messages"))
    cues = [
        sentence[:10]
        for phrases in (phrases_ko, phrases_en)
        for sentence in (*phrases.THIRD_CONTACT, *phrases.LEGAL_THREATS)
    ]
    urgent_by_cue = 0
    for case in cases:
        body = case.messages.all()[0].body
        if any(cue in body for cue in cues):
            urgent_by_cue += 1
            assert case.priority == "urgent", body
        if case.status == "spam" or (case.category and case.category.slug == "other"):
            assert case.priority == "low", body
    assert urgent_by_cue >= 40
    shares = Counter(case.priority for case in cases)
    assert set(shares) == set(Priority.values)
    assert 0.04 <= shares["urgent"] / len(cases) <= 0.2
    assert 0.3 <= shares["normal"] / len(cases) <= 0.6
