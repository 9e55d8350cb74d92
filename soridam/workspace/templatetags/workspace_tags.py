"""Presentation helpers for the workspace: badges, category names, timeline lines, inbox links."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms, template
from django.forms import BoundField
from django.template.base import FilterExpression, Parser, Token
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from soridam.cases.models import Category, EventKind, Priority, Status, TimelineEvent
from soridam.cases.stages import Stage
from soridam.customers.profile import RepeatContact
from soridam.notifications.models import DeliveryState
from soridam.rca.models import CauseCode
from soridam.workspace.forms import FieldRow, Option, form_field_rows, select_options
from soridam.workspace.inbox import InboxQuery

register = template.Library()

_STAGES = dict(Stage.choices)
_STATUSES = dict(Status.choices)
VALUE_LABELS: dict[str, Mapping[str, object]] = {
    EventKind.CREATED: _STAGES,
    EventKind.STAGE_CHANGED: _STAGES,
    EventKind.STATUS_CHANGED: _STATUSES,
    EventKind.REOPENED: _STATUSES,
    EventKind.PRIORITY_CHANGED: dict(Priority.choices),
    EventKind.NOT_NOTIFIED: {**_STAGES, **_STATUSES},  # the stage or status the case moved to silently
    EventKind.CAUSE_SET: dict(CauseCode.choices),
    EventKind.DELIVERY_RETRIED: dict(DeliveryState.choices),  # the state the message was in
}
# Events that name only where the case went, not where it came from.


@register.simple_tag
def priority_badge(priority: str) -> SafeString:
    label = dict(Priority.choices).get(priority, priority)
    return format_html('<span class="badge badge-{}">{}</span>', priority, label)


@register.filter
def category_name(category: Category | None) -> str:
    if category is None:
        return "—"
    return category.name_for(get_language() or "ko")


# ``get_kind_display`` builds a dict of every kind for each call: a case page has dozens of events.
_EVENT_KINDS = dict(EventKind.choices)


@register.filter
def repeat_category(repeat: RepeatContact) -> str:
    """The category of a repeat-contact flag in the page's language."""
    return repeat.category_name(get_language() or "ko")


@register.simple_tag
def event_label(event: TimelineEvent) -> str:
    return str(_EVENT_KINDS.get(event.kind, event.kind))


@register.simple_tag
def event_change(event: TimelineEvent, people: Mapping[str, str] | None = None) -> str:
    """The change an event made, e.g. "Intake → Classification"; empty for events that change no value.
    ``people`` maps the usernames an assignment stores to the names shown."""
    if not (event.from_value or event.to_value):
        return ""
    labels = (people or {}) if event.kind == EventKind.ASSIGNED else VALUE_LABELS.get(event.kind, {})
    before = str(labels.get(event.from_value, event.from_value)) or "—"
    after = str(labels.get(event.to_value, event.to_value)) or "—"
    if event.kind in _ONE_VALUE_KINDS:
        return str(labels.get(event.to_value or event.from_value, event.to_value or event.from_value))
    return f"{before} → {after}"


# Events that name one thing (the first stage, a tag, the case merged into) rather than a change from → to.
_ONE_VALUE_KINDS = frozenset(
    {
        EventKind.CREATED,
        EventKind.TAG_ADDED,
        EventKind.TAG_REMOVED,
        EventKind.MERGED,
        EventKind.NOT_NOTIFIED,
        EventKind.NOTICE_SENT,
        EventKind.DELIVERY_RETRIED,
        EventKind.ORDER_LINKED,
        EventKind.ORDER_UNLINKED,
    }
)


@register.filter
def options(field: BoundField) -> list[Option]:
    """``{% for option in form.field|options %}``: a select's options, the current value marked."""
    return select_options(field)


@register.filter
def field_rows(form: forms.Form) -> list[FieldRow]:
    """``{% for field in form|field_rows %}``: the form's fields as plain rows (``forms.form_field_rows``)."""
    return form_field_rows(form)


@register.simple_tag
def inbox_params(query: InboxQuery, **changes: str) -> str:
    """The query string of the inbox with ``changes`` applied (any change but a cursor restarts at page 1)."""
    return query.url_params(**changes)


class RenderedOnceNode(template.Node):
    """Output that depends only on the language and the given values (translated labels, URLs, static paths),
    kept per process on the node itself: a template reloaded in development is a new node with an empty store."""

    def __init__(self, nodelist: template.NodeList, vary: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.vary = vary
        self.rendered: dict[tuple[str, ...], SafeString] = {}

    def render(self, context: template.Context) -> SafeString:
        key = (get_language() or "", *(str(value.resolve(context)) for value in self.vary))
        found = self.rendered.get(key)
        if found is None:
            found = self.rendered[key] = mark_safe(self.nodelist.render(context))  # noqa: S308 - rendered here
        return found


@register.tag
def rendered_once(parser: Parser, token: Token) -> RenderedOnceNode:
    """``{% rendered_once user.effective_role %}…{% endrendered_once %}``: the workspace's navigation and its
    shortcut dialog are the same on every page for a language and role, and cost 2–3 ms to render each time
    (bench/case_page.py). Nothing personal, no CSRF token and no query may go inside."""
    vary = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endrendered_once",))
    parser.delete_first_token()
    return RenderedOnceNode(nodelist, vary)
