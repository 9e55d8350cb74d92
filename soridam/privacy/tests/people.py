"""A person with one row in every model of the registry of personal data, built from the registry itself.

Each row's erasable fields hold a marker naming the model, so a test can look for every marker in an export
and check that erasure removed every one it should. Rows are filled generically: required fields get a
value of their type, and foreign keys point at the person's own rows (their case, message, order…), so a
model an app adds to the registry is covered without a change here.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone

from soridam.customers.models import Customer
from soridam.privacy.registry import PersonalData, personal_data


def marker(label: str, field: str) -> str:
    return f"PII-{label}-{field}".replace(".", "_")


def stored_marker(label: str, field_name: str) -> str:
    """The marker as the column holds it (cut to the field's length; e-mail fields in lower case)."""
    from django.apps import apps

    field = apps.get_model(label)._meta.get_field(field_name)
    if isinstance(field, models.JSONField):
        return marker(label, field_name).lower()
    return str(_marked(field, marker(label, field_name))).lower()


class PersonBuilder:
    """Builds rows for one person; ``rows`` maps a model label to the row made for it."""

    def __init__(self, *, closed_at: datetime | None = None, name: str = "홍길동") -> None:
        self.closed_at = closed_at
        self.staff = get_user_model().objects.create_user(f"staff-{uuid.uuid4().hex[:8]}", role="admin")
        self.customer = Customer.objects.create(
            name=name, email=f"{uuid.uuid4().hex[:6]}@example.com", phone="010-1234-5678"
        )
        self.rows: dict[str, models.Model] = {"customers.Customer": self.customer}

    def build_all(self) -> dict[str, models.Model]:
        for entry in personal_data():
            self.row(entry.model, entry)
        return self.rows

    def row(self, label: str, entry: PersonalData | None = None) -> models.Model:
        if label in self.rows:
            return self.rows[label]
        from django.apps import apps

        model = apps.get_model(label)
        values = {field.name: self._value(model, field, entry) for field in model._meta.concrete_fields}
        obj = model(**{name: value for name, value in values.items() if value is not _SKIP})
        obj.save()
        self.rows[label] = obj
        return obj

    def _value(self, model: type[models.Model], field: Any, entry: PersonalData | None) -> Any:
        label = model._meta.label
        if field.primary_key:
            return _SKIP
        if field.is_relation:
            return self._related(field)
        if entry is not None and field.name in entry.anonymise:
            return _marked(field, marker(label, field.name))
        if label == "cases.Case" and field.name == "closed_at":
            return self.closed_at
        if label == "cases.Case" and field.name == "status" and self.closed_at is not None:
            return "closed"
        if field.has_default() or field.null:
            return _SKIP
        return _filler(field, label)

    def _related(self, field: Any) -> Any:
        target = field.related_model._meta.label
        if target == get_user_model()._meta.label:
            return None if field.null else self.staff  # a nullable user is another side (a neutral's tie)
        if target == field.model._meta.label:  # a link to another row of the same model (a related case)
            return None if field.null else _SKIP
        if field.null and target not in _PERSON_GRAPH:
            return None
        return self.row(target)


_SKIP = object()
# Foreign keys to these always point at the person's own rows, even when nullable.
_PERSON_GRAPH = {
    "customers.Customer",
    "cases.Case",
    "cases.Message",
    "orders.Order",
    "policy.Remedy",
    "notifications.OutboundMessage",
    "chat.ChatSession",
}


def _marked(field: Any, text: str) -> Any:
    if isinstance(field, models.JSONField):
        return {"note": text}
    if isinstance(field, models.BinaryField):
        return text.encode()
    if isinstance(field, models.EmailField):
        return f"{text.lower()}@example.com"
    return text[: field.max_length] if getattr(field, "max_length", None) else text


def _filler(field: Any, label: str) -> Any:
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.FileField):
        return ContentFile(b"attachment bytes", name="file.txt")
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return timezone.localdate()
    if isinstance(field, models.DecimalField):
        return Decimal("1000")
    if isinstance(field, (models.IntegerField, models.FloatField)):
        return 1
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.BinaryField):
        return b"raw"
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.BooleanField):
        return False
    text = f"{label.split('.')[-1].lower()}-{uuid.uuid4().hex[:10]}"
    return text[: field.max_length] if getattr(field, "max_length", None) else text
