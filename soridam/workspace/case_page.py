"""What the case page shows: header, stage bar, conversation, timeline and the action forms.

The conversation and the timeline reach the template as plain rows with their labels and times already
worked out: the page is opened all day long, and every lookup and filter the template engine runs per
message costs (bench/case_page.py, target p95 ≤ 30 ms).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef
from django.utils import timezone

from soridam.accounts.directory import labels_by_pk, labels_by_username, staff_member, team_by_pk
from soridam.accounts.models import User
from soridam.cases.categories import active_category_by_pk
from soridam.cases.models import Attachment, Case, EventKind, Message, MessageKind, Tag, TimelineEvent
from soridam.cases.presenters import stage_steps
from soridam.channels.message_info import MessageChannelInfo, channel_info_by_message
from soridam.channels.meta.models import MessageTemplate, TemplateChannel
from soridam.channels.meta.window import META_KINDS, Permission, free_text
from soridam.channels.phone.models import PhoneCall
from soridam.channels.sms.composer import replies_by_sms
from soridam.followup.models import Survey
from soridam.macros.access import macros_listed_for
from soridam.privacy import presenter
from soridam.privacy.access import may_reveal_pii
from soridam.workspace.case_actions import ACTIONS
from soridam.workspace.forms import CaseForm
from soridam.workspace.templatetags.workspace_tags import event_change, event_label

if TYPE_CHECKING:
    from collections.abc import Callable

    from django_stubs_ext import StrOrPromise

# The assignee is left out: it is often empty, and joining the user table costs more than the rare lookup. The
# category and the team come from the per-process copies (``with_copied_relations``): each join of the case's read
# cost ~0.3 ms of CPU to build and load (bench/README.md, casepage4).
HEADER_RELATIONS = ("customer", "sla", "survey", "cause")


@dataclass(frozen=True)
class Moment:
    """A time as the page prints it: machine-readable for ``<time datetime>`` and short for people."""

    iso: str
    text: str


NO_CHANNEL_INFO = MessageChannelInfo()


@dataclass(frozen=True)
class MessageRow:
    pk: int
    is_internal: bool
    kind: str
    author: str
    at: Moment
    body: str
    attachments: list[Attachment]
    call: PhoneCall | None = None
    channel: str = ""
    from_customer: bool = False
    written_at: datetime | None = None
    # As this user sees them (the masking presenter), worked out here rather than by a tag per message.
    shown_author: str = ""
    shown_body: str = ""
    may_reveal: bool = False  # the body holds personal data and this user may ask to see it
    may_open_original: bool = False  # the message has a stored original and this user may reveal
    info: MessageChannelInfo = field(default_factory=MessageChannelInfo)


@dataclass(frozen=True)
class EventRow:
    pk: int
    label: str
    change: str
    reason: str
    actor_name: str
    at: Moment
    is_public: bool


def moment(value: datetime) -> Moment:
    local = timezone.localtime(value)
    return Moment(iso=local.isoformat(), text=local.strftime("%Y-%m-%d %H:%M"))


def conversation(case: Case, user: User) -> list[MessageRow]:
    """All messages, internal notes included: this page is for staff only. Each row carries what the page
    prints of it (masked author and body, deliveries, the original): one template, no include or tag per
    message."""
    messages = list(
        # A logged call comes in the same query (a reverse one-to-one join): the call list costs nothing. The
        # staff authors' names come from the per-process staff directory, not a join of the user table.
        case.messages.select_related("author_customer", "phone_call")
        .annotate(has_files=Exists(Attachment.objects.filter(message=OuterRef("pk"))))
        .order_by("created_at", "id")
    )
    staff = labels_by_pk({message.author_user_id for message in messages if message.author_user_id is not None})
    files: dict[int, list[Attachment]] = {}
    # Most cases carry no files: the attachments are read (one plain query, not prefetch_related) only if
    # the messages say there are some.
    if any(message.has_files for message in messages):
        for attachment in Attachment.objects.filter(message__case=case).order_by("id"):
            files.setdefault(attachment.message_id, []).append(attachment)
    kinds = {value: str(label) for value, label in MessageKind.choices}
    infos = channel_info_by_message(case)
    # A permission lookup can cost queries: asked once, and only when a message has something to reveal.
    may_reveal = cache(lambda: may_reveal_pii(user))
    return [
        _message_row(
            user,
            message,
            _author(message, staff),
            kinds,
            files.get(message.pk, []),
            infos.get(message.pk, NO_CHANNEL_INFO),
            may_reveal,
        )
        for message in messages
    ]


def _author(message: Message, staff: dict[int, str]) -> str:
    """``Message.author_display`` with the staff names given."""
    if message.author_user_id is not None:
        return staff.get(message.author_user_id, "Soridam")
    return message.author_display()


def _message_row(
    user: User,
    message: Message,
    author: str,
    kinds: dict[str, str],
    attachments: list[Attachment],
    info: MessageChannelInfo,
    may_reveal: Callable[[], bool],
) -> MessageRow:
    body, has_pii = presenter.shown_body(user, message.body)
    return MessageRow(
        pk=message.pk,
        is_internal=message.is_internal,
        kind=kinds.get(message.kind, message.kind),
        author=author,
        at=moment(message.created_at),
        body=message.body,
        attachments=attachments,
        call=_call_of(message),
        channel=message.channel,
        from_customer=message.kind == MessageKind.CUSTOMER,
        written_at=message.created_at,
        shown_author=presenter.shown(user, author),
        shown_body=body,
        may_reveal=has_pii and may_reveal(),
        may_open_original=info.has_original and may_reveal(),
        info=info,
    )


def _call_of(message: Message) -> PhoneCall | None:
    try:
        call: PhoneCall = message.phone_call  # the reverse one-to-one of phone_log
    except ObjectDoesNotExist:
        return None
    return call


def timeline(case: Case) -> list[EventRow]:
    return timeline_rows(list(TimelineEvent.objects.filter(case=case).order_by("created_at", "id")))


def timeline_rows(events: list[TimelineEvent]) -> list[EventRow]:
    people = _people_named_in(events)
    return [
        EventRow(
            pk=event.pk,
            label=event_label(event),
            change=event_change(event, people),
            reason=event.reason,
            actor_name=event.actor_name,
            at=moment(event.created_at),
            is_public=event.is_public,
        )
        for event in events
    ]


def _people_named_in(events: list[TimelineEvent]) -> dict[str, str]:
    """Assignment events store usernames (stable for the API); people read display names."""
    assignments = [event for event in events if event.kind == EventKind.ASSIGNED]
    usernames = {value for event in assignments for value in (event.from_value, event.to_value) if value}
    if not usernames:
        return {}
    return labels_by_username(usernames)  # the per-process staff directory


def case_context(
    user: User,
    case: Case,
    *,
    failed: tuple[str, CaseForm] | None = None,
    notice: StrOrPromise = "",
    held: list[str] | None = None,
) -> dict[str, Any]:
    """The template context. ``failed`` is the one form that was posted and refused, kept with its input;
    ``held`` the changes that held a reply (the composer then offers to send it anyway)."""
    forms = {key: action.form_class(case=case, user=user) for key, action in ACTIONS.items()}
    if failed is not None:
        forms[failed[0]] = failed[1]
    timeline_events = list(TimelineEvent.objects.filter(case=case).order_by("created_at", "id"))
    events = timeline_rows(timeline_events)
    rows = conversation(case, user)
    window = reply_window(case, rows)
    return {
        "case": case,
        "steps": stage_steps(case),
        "conversation": rows,
        "calls": [row.call for row in rows if row.call is not None],
        "events": events,
        # The composer posts this back: the newest event it was written against (``workspace.held``).
        "case_version": max((event.pk for event in events), default=0),
        "held": held or [],
        "forms": forms,
        "tags": tags_of(case, timeline_events),
        "has_tasks": any(event.kind == EventKind.TASK_OPENED for event in timeline_events),
        "assignee_label": assignee_label(case),
        "linked_orders": linked_order_numbers(timeline_events),
        "macros": macros_listed_for(user),
        "notice": notice,
        "survey": answered_survey(case),
        "sms_reply": replies_by_sms(case),  # the composer shows the SMS limits; no query for other channels
        "reply_window": window,
        "reply_closed": window is not None and not window.allowed,
        "message_templates": _templates() if window is not None and window.templates_only else [],
    }


def with_copied_relations(case: Case) -> Case:
    """The case with its category and team from the per-process copies (``cases.categories``,
    ``accounts.directory``); one not in them (an inactive category, a team newer than the copy) is read as
    Django reads a relation, when it is first used."""
    if case.category_id is not None and (category := active_category_by_pk(case.category_id)) is not None:
        Case.category.field.set_cached_value(case, category)
    if case.team_id is not None and (team := team_by_pk(case.team_id)) is not None:
        Case.team.field.set_cached_value(case, team)
    return case


def tags_of(case: Case, events: list[TimelineEvent]) -> list[Tag]:
    """The case's tags; no query when its timeline shows none was ever added (``cases.actions.add_tag`` is the
    one way to tag a case, and it records the event). Investigation tasks likewise (``has_tasks``)."""
    if not any(event.kind == EventKind.TAG_ADDED for event in events):
        return []
    return list(case.tags.all())


def assignee_label(case: Case) -> str:
    """The assignee's name from the per-process staff directory (``HEADER_RELATIONS`` leaves the user out)."""
    if case.assignee_id is None:
        return ""
    assignee = staff_member(case.assignee_id) or case.assignee
    return assignee.label() if assignee is not None else ""


def linked_order_numbers(events: list[TimelineEvent]) -> list[str]:
    """The numbers of the orders linked to the case now, read from its timeline (no query of their own:
    every link and unlink is an event); the 360 panel shows the orders themselves."""
    linked: dict[str, None] = {}
    for event in events:
        if event.kind == EventKind.ORDER_LINKED:
            linked[event.to_value] = None
        elif event.kind == EventKind.ORDER_UNLINKED:
            linked.pop(event.from_value, None)
    return list(linked)


def reply_window(case: Case, rows: list[MessageRow]) -> Permission | None:
    """What an agent may still send on a WhatsApp, Messenger or Instagram case (``channels.meta.window``);
    None elsewhere. Read from the conversation the page shows, at no query: the customer's last message on a
    Meta channel. (The reply actions check the conversation's own clock, ``case_window``: a customer who wrote
    since on a newer case has reopened the window there, and the page errs on the side of templates.)"""
    if case.channel not in META_KINDS:
        return None
    last = next((row for row in reversed(rows) if row.from_customer and row.channel in META_KINDS), None)
    if last is None:
        return None
    return free_text(last.channel, last.written_at, by_person=True)


def _templates() -> list[MessageTemplate]:
    """Only WhatsApp falls back to templates once its window has closed."""
    return list(MessageTemplate.objects.filter(kind=TemplateChannel.WHATSAPP, is_active=True))


def answered_survey(case: Case) -> Survey | None:
    """The customer's rating and comment, once they answered (``HEADER_RELATIONS`` joins the survey)."""
    try:
        survey: Survey = case.survey
    except ObjectDoesNotExist:
        return None
    return survey if survey.answered_at is not None else None
