"""Every model linked to a person is declared in the registry of personal data (R-SEC-7, R-SEC-8)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

from soridam.privacy.models_dsr import RetentionClass
from soridam.privacy.registry import CONTACT_MODELS, declarations, declared_labels, personal_data


def _linked_models() -> set[str]:
    """The models with a foreign key to a customer or to a contact of one (an identity, a case, an order…)."""
    linked = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if isinstance(target, type) and issubclass(target, models.Model) and target._meta.label in CONTACT_MODELS:
                linked.add(model._meta.label)
    return linked


def test_every_model_linked_to_a_person_is_declared() -> None:
    missing = _linked_models() - declared_labels()
    assert not missing, f"declare these in the app's personal_data.py: {sorted(missing)}"


def test_the_contact_models_themselves_are_registered_as_personal_data() -> None:
    assert {entry.model for entry in personal_data()} >= CONTACT_MODELS


@pytest.mark.django_db
def test_each_entry_names_a_real_model_path_class_and_fields() -> None:
    for entry in personal_data():
        model = entry.model_class()
        assert entry.retention in RetentionClass.values, entry
        model._default_manager.filter(**{entry.subject: 1}).exists()  # the path resolves
        for path in (entry.clock, entry.case):
            if path:
                model._default_manager.filter(**{f"{path}__isnull": True}).exists()
        for name in entry.anonymise:
            assert model._meta.get_field(name).concrete, (entry.model, name)


def test_no_model_is_declared_twice() -> None:
    personal, not_personal = declarations()
    labels = [entry.model for entry in personal] + [entry.model for entry in not_personal]
    assert len(labels) == len(set(labels))
