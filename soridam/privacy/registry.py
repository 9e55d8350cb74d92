"""The registry of personal data: every app says which of its models hold a person's data (R-SEC-7, R-SEC-8).

Each app declares, in ``soridam/<app>/personal_data.py``, a ``PERSONAL_DATA`` list of ``PersonalData`` (how to
find a person's rows, the retention class, how to erase them) and ``NOT_PERSONAL`` (models linked to a person
that hold nothing about them, with the reason). Exports, erasure, the restricted store and the daily purge all
walk this registry, and ``privacy/tests/test_registry.py`` fails when a model linked to a customer is missing.

This module imports no model: entries name models by label, so any app's declaration may import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module

from django.apps import apps
from django.db.models import Model


@dataclass(frozen=True)
class PersonalData:
    """One model holding personal data.

    ``subject``: the ORM path from a row to its Customer's primary key (``"customer"``, ``"case__customer"``).
    ``retention``: the retention class (``retention.RetentionClass``). ``anonymise``: the fields blanked on
    erasure; with none the row is deleted. ``clock``: the path to the moment the retention period starts
    (a case's closing, an order's placing); empty means the rows have no period and are never purged by age.
    ``case``: the path to the row's case, for the restricted store and legal holds on a case.
    """

    model: str
    subject: str
    retention: str
    anonymise: tuple[str, ...] = ()
    clock: str = ""
    case: str = ""

    @property
    def deletes(self) -> bool:
        return not self.anonymise

    def model_class(self) -> type[Model]:
        return apps.get_model(self.model)


@dataclass(frozen=True)
class NotPersonal:
    """A model linked to a customer or a case that holds nothing about the person (ids, times, codes)."""

    model: str
    why: str


# The models that stand for a person or a contact with them: a model with a foreign key to one of these
# must be declared, as personal data or as not personal with the reason.
CONTACT_MODELS = frozenset(
    {
        "customers.Customer",
        "customers.Identity",
        "cases.Case",
        "cases.Message",
        "soridam_channels.MessengerThread",
        "chat.ChatSession",
        "orders.Order",
        "followup.Survey",
        "notifications.OutboundMessage",
        "policy.Remedy",
        "odr.Dispute",
    }
)


@cache
def declarations() -> tuple[tuple[PersonalData, ...], tuple[NotPersonal, ...]]:
    """Every installed Soridam app's declarations, in app order (read once per process)."""
    personal: list[PersonalData] = []
    not_personal: list[NotPersonal] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("soridam."):
            continue
        try:
            module = import_module(f"{config.name}.personal_data")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.personal_data":
                raise
            continue
        personal += getattr(module, "PERSONAL_DATA", [])
        not_personal += getattr(module, "NOT_PERSONAL", [])
    return tuple(personal), tuple(not_personal)


def personal_data() -> tuple[PersonalData, ...]:
    return declarations()[0]


def entry_for(label: str) -> PersonalData:
    return next(entry for entry in personal_data() if entry.model == label)


def declared_labels() -> set[str]:
    personal, not_personal = declarations()
    return {entry.model for entry in personal} | {entry.model for entry in not_personal}
