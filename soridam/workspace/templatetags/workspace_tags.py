"""Presentation helpers for the workspace: badges, category names, timeline lines, inbox links."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from soridam.cases.models import Category, Priority, Status, TimelineEvent
from soridam.cases.stages import Stage
from soridam.workspace.forms import Option, select_options
from soridam.workspace.inbox import InboxQuery

register = template.Library()

EVENT_LABELS = {
    "created": _("Case opened"),
    "customer_message": _("Customer wrote"),
    "reply": _("Reply sent"),
    "note": _("Internal note"),
    "stage_changed": _("Stage"),
    "status_changed": _("Status"),
    "reopened": _("Reopened"),
    "assigned": _("Assignee"),
    "team_changed": _("Team"),
    "priority_changed": _("Priority"),
    "category_changed": _("Category"),
    "language_changed": _("Language"),
    "linked": _("Follow-up case opened"),
    "survey_answered": _("Survey answered"),
}
_STAGES = dict(Stage.choices)
_STATUSES = dict(Status.choices)
VALUE_LABELS = {
    "created": _STAGES,
    "stage_changed": _STAGES,
    "status_changed": _STATUSES,
    "reopened": _STATUSES,
    "priority_changed": dict(Priority.choices),
}


@register.simple_tag
def priority_badge(priority: str) -> SafeString:
    label = dict(Priority.choices).get(priority, priority)
    return format_html('<span class="badge badge-{}">{}</span>', priority, label)


@register.filter
def category_name(category: Category | None) -> str:
    if category is None:
        return "—"
    return category.name_for(get_language() or "ko")


@register.simple_tag
def event_label(event: TimelineEvent) -> str:
    return str(EVENT_LABELS.get(event.kind, event.kind))


@register.simple_tag
def event_change(event: TimelineEvent) -> str:
    """The change an event made, e.g. "Intake → Classification"; empty for events that change no value."""
    if not (event.from_value or event.to_value):
        return ""
    labels = VALUE_LABELS.get(event.kind, {})
    before = str(labels.get(event.from_value, event.from_value)) or "—"
    after = str(labels.get(event.to_value, event.to_value)) or "—"
    return after if event.kind == "created" else f"{before} → {after}"


@register.filter
def options(field: BoundField) -> list[Option]:
    """``{% for option in form.field|options %}``: a select's options, the current value marked."""
    return select_options(field)


@register.simple_tag
def inbox_params(query: InboxQuery, **changes: str) -> str:
    """The query string of the inbox with ``changes`` applied (any change but a cursor restarts at page 1)."""
    return query.url_params(**changes)
