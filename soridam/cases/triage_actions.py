"""Several fields of one case changed together (triage's category, language and priority): part of the
actions layer (R-CASE-5), beside ``cases.actions`` and built from its helpers.

``change_category``, ``change_language`` and ``change_priority`` one after the other write the case three
times and recompute the SLA clocks twice (about 22 statements a case). ``apply_triage`` makes the same
changes with the same history: one UPDATE of the case, one SLA recompute, one timeline event and one
audit entry per changed field (each set in one INSERT, the audit chain unbroken). The caller holds the
case's row lock inside a transaction.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.cases import events
from soridam.cases.actions import _learn_from, _touch
from soridam.cases.errors import InvalidChange
from soridam.cases.models import Case, Category, EventKind, Priority
from soridam.sla import clock as sla_clock


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
    if language is not None and language not in dict(settings.LANGUAGES):
        raise InvalidChange(_("%(language)s is not a language.") % {"language": language}, field="language")
    if priority is not None and priority not in Priority.values:
        raise InvalidChange(_("%(priority)s is not a priority.") % {"priority": priority}, field="priority")
    fields: list[str] = []
    history: list[tuple[EventKind, str, str, str]] = []  # kind, audit action, before, after
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
    if not fields:
        return []
    if "category" in fields or "priority" in fields:  # the policy (and with the team, the calendar) may differ
        due = sla_clock.earliest_due(sla_clock.recompute(case))
        if due != case.sla_due_at:
            case.sla_due_at = due
            fields.append("sla_due_at")
    _touch(case, *fields)
    for kind, field in ((EventKind.CATEGORY_CHANGED, "category"), (EventKind.PRIORITY_CHANGED, "priority")):
        for change in (c for c in history if c[0] == kind):
            _learn_from(case, field, change[3], actor)
    events.record_many(case, [(kind, before, after) for kind, _action, before, after in history], actor=actor)
    entries: list[tuple[str, dict[str, Any]]] = [
        (action, {"from": before, "to": after}) for _kind, action, before, after in history
    ]
    audit.record_case_many(actor, entries, target=case)
    return [name for name in fields if name != "sla_due_at"]
