"""What the customer's pages show about a case: the public timeline and the conversation (the stage steps come
from ``cases.presenters``, shared with the agent's case page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soridam.cases.access import public_messages
from soridam.cases.models import Case, EventKind, Message, Status, TimelineEvent
from soridam.cases.presenters import stage_steps
from soridam.cases.stages import Stage
from soridam.followup.models import Survey
from soridam.followup.surveys import survey_token
from soridam.web.forms import ReplyForm
from soridam.web.guards import tracking_path


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    text: str


def public_timeline(case: Case) -> list[TimelineItem]:
    events = case.events.filter(is_public=True).order_by("created_at", "id")
    return [TimelineItem(event.created_at, describe_event(event)) for event in events]


def describe_event(event: TimelineEvent) -> str:
    """One sentence for the customer. Reasons are written by staff for staff, so they are never shown."""
    if event.kind == EventKind.STAGE_CHANGED and event.to_value in Stage.values:
        return _("Your case moved to the %(stage)s stage.") % {"stage": Stage(event.to_value).label}
    if event.kind == EventKind.STATUS_CHANGED and event.to_value in Status.values:
        return _("Status changed to %(status)s.") % {"status": Status(event.to_value).label}
    fixed: dict[str, str] = {
        EventKind.CREATED: _("We received your request."),
        EventKind.REPLY: _("Our team replied."),
        EventKind.CUSTOMER_MESSAGE: _("You sent a message."),
        EventKind.REOPENED: _("Your case was reopened."),
        EventKind.SURVEY_ANSWERED: _("You rated how we handled your case."),
    }
    return fixed.get(event.kind, _("Your case was updated."))


def conversation(case: Case) -> list[Message]:
    return list(public_messages(case).order_by("created_at", "id"))


def open_survey_path(case: Case) -> str:
    """The survey link while the survey waits for its first answer and has not expired; else empty."""
    waiting = Survey.objects.filter(case=case, answered_at__isnull=True, expires_at__gt=timezone.now())
    return reverse("web:survey", args=[survey_token(case)]) if waiting.exists() else ""


def tracking_context(request: HttpRequest, case: Case, reply_form: ReplyForm, **extra: object) -> dict[str, object]:
    return {
        "case": case,
        "steps": stage_steps(case),
        "timeline": public_timeline(case),
        "conversation": conversation(case),
        "reply_form": reply_form,
        "survey_path": open_survey_path(case),
        "tracking_url": request.build_absolute_uri(tracking_path(case)),
        **extra,
    }
