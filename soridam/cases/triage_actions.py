"""Several fields of one case changed together (triage's category, language and priority): part of the
actions layer (R-CASE-5), beside ``cases.actions`` and built from its helpers.

``change_category``, ``change_language`` and ``change_priority`` one after the other write the case three
times and recompute the SLA clocks twice (about 22 statements a case). ``apply_triage`` makes the same
changes with the same history: one UPDATE of the case, one SLA recompute, one timeline event and one
audit entry per changed field (each set in one INSERT, the audit chain unbroken). The caller holds the
case's row lock inside a transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.cases import events
from soridam.cases.actions import _learn_from, _touch
from soridam.cases.errors import InvalidChange
from soridam.cases.models import Case, Category, EventKind, Priority
from soridam.lib.rows import update_many
from soridam.sla import clock as sla_clock
from soridam.sla.models import CaseSla


def apply_triage(
    case: Case,
    *,
    actor: Actor,
    category: Category | None = None,
    language: str | None = None,
    priority: str | None = None,
) -> list[str]:
    """Set each field given (None leaves it as it is); returns the fields that changed. A case with no
    team yet goes to the new category's default team, as with ``change_category``."""
    fields, history = _planned(case, category, language, priority)
    if not fields:
        return []
    if "category" in fields or "priority" in fields:  # the policy (and with the team, the calendar) may differ
        _set_due(case, fields, sla_clock.recompute(case))
    _touch(case, *fields)
    _learn(case, history, actor)
    events.record_many(case, [(kind, before, after) for kind, _action, before, after in history], actor=actor)
    audit.record_case_many(actor, _audit_entries(history), target=case)
    return [name for name in fields if name != "sla_due_at"]


TriageChange = tuple[Case, Category | None, str | None, str | None]  # case, category, language, priority


def apply_triage_many(changes: Sequence[TriageChange], *, actor: Actor) -> dict[int, list[str]]:
    """``apply_triage`` for a batch, each case once: the same rows, written together. The cases' clocks are
    read and written once (``recompute_many``), the cases in one UPDATE, their timeline events and their
    audit entries in one INSERT each. The caller holds every case's row lock inside one transaction, so each
    case's change, history and outbox rows commit together. Returns each changed case's fields."""
    planned = [(case, *_planned(case, category, language, priority)) for case, category, language, priority in changes]
    planned = [(case, fields, history) for case, fields, history in planned if fields]
    if not planned:
        return {}
    reclocked = [case for case, fields, _history in planned if "category" in fields or "priority" in fields]
    clocks = sla_clock.recompute_many(reclocked)
    for case, fields, _history in planned:
        if case.pk in clocks:
            _set_due(case, fields, clocks[case.pk])
    _touch_many([case for case, _fields, _history in planned], {name for _c, fields, _h in planned for name in fields})
    for case, _fields, history in planned:
        _learn(case, history, actor)
    timeline = [
        (case, kind, before, after) for case, _fields, history in planned for kind, _a, before, after in history
    ]
    events.record_each(timeline, actor=actor)
    audit.record_cases_many(actor, [(case, _audit_entries(history)) for case, _fields, history in planned])
    return {case.pk: [name for name in fields if name != "sla_due_at"] for case, fields, _history in planned}


_Change = tuple[EventKind, str, str, str]  # kind, audit action, before, after


def _planned(
    case: Case, category: Category | None, language: str | None, priority: str | None
) -> tuple[list[str], list[_Change]]:
    """Set the changed fields on the case in memory; returns their names and their history."""
    if language is not None and language not in dict(settings.LANGUAGES):
        raise InvalidChange(_("%(language)s is not a language.") % {"language": language}, field="language")
    if priority is not None and priority not in Priority.values:
        raise InvalidChange(_("%(priority)s is not a priority.") % {"priority": priority}, field="priority")
    fields: list[str] = []
    history: list[_Change] = []
    if category is not None and category.pk != case.category_id:
        before = case.category.slug if case.category_id is not None and case.category else ""
        case.category = category
        fields.append("category")
        if case.team_id is None and category.default_team_id is not None:
            case.team_id = category.default_team_id
            fields.append("team")
        history.append((EventKind.CATEGORY_CHANGED, "case.category", before, category.slug))
    if language is not None and language != case.language:
        history.append((EventKind.LANGUAGE_CHANGED, "case.language", case.language, language))
        case.language = language
        fields.append("language")
    if priority is not None and priority != case.priority:
        history.append((EventKind.PRIORITY_CHANGED, "case.priority", case.priority, priority))
        case.priority = priority
        fields.append("priority")
    return fields, history


def _set_due(case: Case, fields: list[str], sla: CaseSla | None) -> None:
    due = sla_clock.earliest_due(sla)
    if due != case.sla_due_at:
        case.sla_due_at = due
        fields.append("sla_due_at")


def _touch_many(cases: list[Case], fields: set[str]) -> None:
    """``_touch`` for many cases in one UPDATE: every field any of them changed, the others rewritten with the
    value read under the lock (the same value)."""
    now = timezone.now()
    for case in cases:
        case.updated_at = now
    update_many(cases, *sorted(fields), "updated_at")


def _learn(case: Case, history: list[_Change], actor: Actor) -> None:
    for kind, field in ((EventKind.CATEGORY_CHANGED, "category"), (EventKind.PRIORITY_CHANGED, "priority")):
        for change in (c for c in history if c[0] == kind):
            _learn_from(case, field, change[3], actor)


def _audit_entries(history: list[_Change]) -> list[tuple[str, dict[str, Any]]]:
    return [(action, {"from": before, "to": after}) for _kind, action, before, after in history]
