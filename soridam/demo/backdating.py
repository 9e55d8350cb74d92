"""Moving seeded rows from the seconds the seeding took to the weeks the demo story spans.

The demo runs every change through the actions layer, which stamps rows with the real time. Each step
of the story first calls ``mark(story_time)``; afterwards every timestamp written between two marks is
shifted to the story time of the earlier mark (plus the few microseconds it really took, which keeps
the order). Rewriting timestamps behind the actions layer's back is allowed here only because this
is seed data.
Audit entries keep their real time: their hash chain covers it, and the audit log should say when the
seeding actually ran.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import datetime

from django.db import connection
from django.db.models import Field, Model, QuerySet
from django.utils import timezone

from soridam.cases.models import Case, Message, TimelineEvent
from soridam.customers.models import Customer
from soridam.followup.models import Survey
from soridam.notifications.models import OutboundMessage

CASE_TIMES = (
    "created_at",
    "updated_at",
    "solved_at",
    "closed_at",
    "intake_at",
    "classification_at",
    "investigation_at",
    "resolution_at",
    "notification_at",
    "follow_up_at",
)


class Backdating:
    def __init__(self) -> None:
        self._real: list[datetime] = []
        self._story: list[datetime] = []

    def mark(self, story_time: datetime) -> None:
        """The next rows written stand for ``story_time``."""
        self._real.append(timezone.now())
        self._story.append(story_time)

    def story_time(self, real: datetime) -> datetime:
        index = bisect_right(self._real, real) - 1
        if index < 0:
            return real
        return self._story[index] + (real - self._real[index])

    def apply(self, case_ids: list[int], since: datetime) -> None:
        """Rewrite the timestamps of these seeded cases and of everything written for them."""
        self._shift(Case.objects.filter(pk__in=case_ids), CASE_TIMES)
        self._shift(Message.objects.filter(case_id__in=case_ids), ("created_at",))
        self._shift(TimelineEvent.objects.filter(case_id__in=case_ids), ("created_at",))
        self._shift(OutboundMessage.objects.filter(case_id__in=case_ids), ("created_at", "sent_at"))
        customers = Customer.objects.filter(created_at__gte=since, cases__in=case_ids).distinct()
        self._shift(Customer.objects.filter(pk__in=list(customers.values_list("pk", flat=True))), ("created_at",))
        self._shift_surveys(Survey.objects.filter(case_id__in=case_ids))

    def _shift(self, rows: QuerySet[Model], fields: Iterable[str]) -> None:
        """Move each row by its own offset: one batched UPDATE per table (a CASE-per-row bulk_update
        or an ORM update per row costs seconds here)."""
        fields = list(fields)
        changed = [
            [self.story_time(value) if value else value for value in values] + [pk]
            for pk, *values in rows.values_list("pk", *fields)
        ]
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(_column(rows.model, name))} = %s" for name in fields)
        table, pk = quote(rows.model._meta.db_table), quote(_column(rows.model, "id"))
        sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 - names come from the model
        with connection.cursor() as cursor:
            cursor.executemany(sql, changed)

    def _shift_surveys(self, surveys: QuerySet[Survey]) -> None:
        for survey in surveys:
            sent_at = self.story_time(survey.sent_at)
            answered_at = self.story_time(survey.answered_at) if survey.answered_at else None
            # A survey stays valid as long as it was meant to, counted from its story time.
            expires_at = survey.expires_at - (survey.sent_at - sent_at)
            Survey.objects.filter(pk=survey.pk).update(sent_at=sent_at, expires_at=expires_at, answered_at=answered_at)


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return str(field.column)
