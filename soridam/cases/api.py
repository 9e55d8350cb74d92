"""Cases endpoints of the REST API: thin views over ``access`` (who may see what) and ``actions`` (what changes).

Every change runs inside ``transaction.atomic()`` with the case's row lock, as ``actions`` requires.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import P, PathEx, Query, Router, Status

from soridam.accounts.access import access_team, agents_assignable_by
from soridam.accounts.api import MAX_ID, api_user, staff_user
from soridam.accounts.models import Team, User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.access import access_case, cases_visible_to, public_messages
from soridam.cases.categories import active_category
from soridam.cases.models import Case, Category, Message, TimelineEvent
from soridam.cases.schemas import (
    CaseFilters,
    CaseIn,
    CaseOut,
    CasePage,
    CasePatch,
    EventPage,
    MessageIn,
    MessageOut,
    MessagePage,
    PageQuery,
    TransitionIn,
)
from soridam.channels.kinds import Channel
from soridam.customers.actions import Contact
from soridam.lib.api_errors import ApiError
from soridam.lib.keyset import Ordering, paginate

router = Router(tags=["cases"])

NEWEST_CHANGE_FIRST = Ordering("updated_at")
OLDEST_FIRST = Ordering("created_at", descending=False)
CaseId = PathEx[int, P(ge=1, le=MAX_ID)]


@router.get("/cases", response=CasePage, url_name="api_cases")
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> dict[str, Any]:
    """Cases the caller may see, most recently changed first, in cursor pages."""
    cases = _filtered(cases_visible_to(api_user(request)), filters).select_related("customer", "category")
    page = paginate(cases, NEWEST_CHANGE_FIRST, filters.cursor, filters.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


def _filtered(cases: QuerySet[Case], filters: CaseFilters) -> QuerySet[Case]:
    lookups = {
        "stage": filters.stage,
        "status": filters.status,
        "channel": filters.channel,
        "priority": filters.priority,
        "category__slug": filters.category,
        "team_id": filters.team,
        "assignee_id": filters.assignee,
    }
    return cases.filter(**{lookup: value for lookup, value in lookups.items() if value is not None})


@router.post("/cases", response={201: CaseOut}, url_name="api_cases_create")
def create_case(request: HttpRequest, payload: CaseIn) -> Status[Case]:
    """Open a case at intake. The customer is found by e-mail (or phone), or created."""
    user = staff_user(request)
    contact = payload.customer
    new = actions.NewCase(
        subject=payload.subject,
        body=payload.body,
        contact=Contact(name=contact.name, email=contact.email, phone=contact.phone, language=contact.language),
        channel=payload.channel.value,
        category=_active_category(payload.category) if payload.category else None,
        priority=payload.priority.value,
        order_number=payload.order_number,
    )
    return Status(201, actions.open_case(new, actor=Actor(user=user)))


@router.get("/cases/{case_id}", response=CaseOut, url_name="api_case")
def get_case(request: HttpRequest, case_id: CaseId) -> Case:
    return access_case(api_user(request), case_id)


@router.patch("/cases/{case_id}", response=CaseOut, url_name="api_case_update")
def update_case(request: HttpRequest, payload: CasePatch, case_id: CaseId) -> Case:
    """Change priority, category, team, assignee or status; each through its own action, all or nothing."""
    user = staff_user(request)
    with transaction.atomic():
        case = access_case(user, case_id, for_update=True)
        _apply_patch(case, payload, user)
    return case


def _apply_patch(case: Case, patch: CasePatch, user: User) -> None:
    actor = Actor(user=user)
    given = patch.model_fields_set
    if "category" in given:
        category = _active_category(patch.category) if patch.category else None
        if (category.pk if category else None) != case.category_id:
            actions.change_category(case, category, actor=actor)
    if "team" in given and patch.team != case.team_id:
        actions.change_team(case, _team(user, patch.team), actor=actor)
    if "assignee" in given and patch.assignee != case.assignee_id:
        actions.assign(case, _assignee(user, patch.assignee), actor=actor)
    if patch.priority is not None and patch.priority != case.priority:
        actions.change_priority(case, patch.priority.value, actor=actor)
    if patch.status is not None:
        actions.change_status(case, patch.status.value, actor=actor, reason=patch.reason, notify=patch.notify)


def _active_category(slug: str) -> Category:
    category = active_category(slug)
    if category is None:
        raise ApiError(422, "validation_error", _("There is no category %(slug)s.") % {"slug": slug}, field="category")
    return category


def _team(user: User, team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    try:
        return access_team(user, team_id)
    except Http404:
        raise ApiError(422, "validation_error", _("You cannot give cases to that team."), field="team") from None


def _assignee(user: User, agent_id: int | None) -> User | None:
    if agent_id is None:
        return None
    agent = agents_assignable_by(user).filter(pk=agent_id).first()
    if agent is None:
        raise ApiError(422, "validation_error", _("You cannot give cases to that person."), field="assignee")
    return agent


@router.post("/cases/{case_id}/transition", response=CaseOut, url_name="api_case_transition")
def transition(request: HttpRequest, payload: TransitionIn, case_id: CaseId) -> Case:
    """Move the case to another stage; a refused move answers 409 with the allowed targets."""
    user = staff_user(request)
    with transaction.atomic():
        case = access_case(user, case_id, for_update=True)
        actor = Actor(user=user)
        return actions.change_stage(case, payload.to.value, actor=actor, reason=payload.reason, notify=payload.notify)


@router.get("/cases/{case_id}/messages", response=MessagePage, url_name="api_case_messages")
def list_messages(request: HttpRequest, query: Query[PageQuery], case_id: CaseId) -> dict[str, Any]:
    """The conversation, oldest first. Internal notes are for staff only."""
    user = api_user(request)
    case = access_case(user, case_id)
    messages = case.messages.all() if user.is_support_staff else public_messages(case)
    messages = messages.select_related("author_user", "author_customer").prefetch_related("attachments")
    page = paginate(messages, OLDEST_FIRST, query.cursor, query.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/cases/{case_id}/reply", response={201: MessageOut}, url_name="api_case_reply")
def reply(request: HttpRequest, payload: MessageIn, case_id: CaseId) -> Status[Message]:
    """Staff send a public reply; a customer's token adds the customer's own message (reopening if needed)."""
    user = api_user(request)
    with transaction.atomic():
        case = access_case(user, case_id, for_update=True)
        if user.is_support_staff:
            message = actions.reply(case, payload.body, actor=Actor(user=user))
        else:
            message = actions.receive_customer_message(
                case, payload.body, actor=Actor(customer=case.customer), channel=Channel.API
            )
    return Status(201, message)


@router.post("/cases/{case_id}/notes", response={201: MessageOut}, url_name="api_case_note")
def add_note(request: HttpRequest, payload: MessageIn, case_id: CaseId) -> Status[Message]:
    """An internal note, never shown to the customer."""
    user = api_user(request)
    with transaction.atomic():
        case = access_case(user, case_id, for_update=True)
        if not user.is_support_staff:
            raise ApiError(403, "forbidden", _("Only staff can write internal notes."))
        message = actions.add_note(case, payload.body, actor=Actor(user=user))
    return Status(201, message)


@router.get("/cases/{case_id}/timeline", response=EventPage, by_alias=True, url_name="api_case_timeline")
def timeline(request: HttpRequest, query: Query[PageQuery], case_id: CaseId) -> dict[str, Any]:
    """The case's history, oldest first. A customer sees only the public events."""
    user = api_user(request)
    case = access_case(user, case_id)
    events: QuerySet[TimelineEvent] = case.events.all()
    if not user.is_support_staff:
        events = events.filter(is_public=True)
    page = paginate(events, OLDEST_FIRST, query.cursor, query.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}
