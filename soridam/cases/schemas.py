"""Request and response shapes of the cases API.

Input text is checked before it reaches the database: PostgreSQL refuses NUL characters and lone
surrogates, which would otherwise surface as server errors.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from ninja import Field, Schema
from pydantic import AfterValidator, field_validator, model_validator

from soridam.accounts.api import MAX_ID
from soridam.cases.models import Case, Message, Priority, Status, TimelineEvent
from soridam.cases.stages import STAGE_ORDER, Stage
from soridam.channels.kinds import Channel
from soridam.customers.models import Customer
from soridam.privacy.presenter import shown

MAX_BODY = 20_000
MAX_REASON = 2_000


def _checked_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Text must not contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("Text must be valid Unicode.") from None
    return value.strip()


def _not_blank(value: str) -> str:
    if not value:
        raise ValueError("This field may not be blank.")
    return value


Text = Annotated[str, AfterValidator(_checked_text)]
RequiredText = Annotated[str, AfterValidator(_checked_text), AfterValidator(_not_blank)]
Slug = Annotated[str, Field(pattern=r"^[-a-zA-Z0-9_]+$", max_length=40)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class CustomerIn(Schema):
    name: RequiredText = Field(max_length=120)
    email: Text = Field("", max_length=254)
    phone: Text = Field("", max_length=32)
    language: Literal["ko", "en"] = "ko"

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str) -> str:
        if value:
            try:
                validate_email(value)
            except DjangoValidationError:
                raise ValueError("Enter a valid e-mail address.") from None
        return value

    @field_validator("phone")
    @classmethod
    def _valid_phone(cls, value: str) -> str:
        if value and not 6 <= sum(ch.isdigit() for ch in value) <= 20:
            raise ValueError("Enter a phone number with 6 to 20 digits.")
        return value

    @model_validator(mode="after")
    def _reachable(self) -> CustomerIn:
        if not self.email and not self.phone:
            raise ValueError("Give an e-mail address or a phone number.")
        return self


class CaseIn(Schema):
    subject: RequiredText = Field(max_length=200)
    body: RequiredText = Field(max_length=MAX_BODY)
    customer: CustomerIn
    channel: Channel = Channel.API
    category: Slug | None = None
    priority: Priority = Priority.NORMAL
    order_number: Text = Field("", max_length=64)


class CasePatch(Schema):
    """Only the fields sent change. ``null`` clears category, assignee and team."""

    priority: Priority | None = None
    status: Status | None = None
    category: Slug | None = None
    assignee: Id | None = None
    team: Id | None = None
    reason: Text = Field("", max_length=MAX_REASON, description="Why the status changes.")
    notify: bool = Field(True, description="false: change the status without telling the customer.")

    @field_validator("priority", "status", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("This field may not be null.")
        return value


class TransitionIn(Schema):
    to: Stage
    reason: Text = Field("", max_length=MAX_REASON, description="Needed when moving back.")
    notify: bool = Field(True, description="false: move the case without telling the customer.")


class MessageIn(Schema):
    body: RequiredText = Field(max_length=MAX_BODY)


class CaseFilters(Schema):
    stage: Stage | None = None
    status: Status | None = None
    channel: Channel | None = None
    priority: Priority | None = None
    category: Slug | None = None
    team: Id | None = None
    assignee: Id | None = None
    cursor: str | None = Field(None, max_length=512)
    limit: int = Field(25, ge=1, le=100)


class PageQuery(Schema):
    cursor: str | None = Field(None, max_length=512)
    limit: int = Field(50, ge=1, le=100)


def _shown(text: str, context: dict[str, Any]) -> str:
    """Customer text as the API caller may see it: every text field a person reads goes through the presenter."""
    request = context.get("request")
    return shown(getattr(request, "auth", None), text)


class CustomerRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(customer: Customer, context: dict[str, Any]) -> str:
        return _shown(customer.name, context)


class CaseOut(Schema):
    id: int
    reference: str
    subject: str
    stage: str
    status: str
    priority: str
    channel: str
    category: str | None
    team: int | None
    assignee: int | None
    customer: CustomerRef
    order_number: str
    language: str
    related_case: int | None
    created_at: datetime
    updated_at: datetime
    solved_at: datetime | None
    closed_at: datetime | None
    stages_entered: dict[str, datetime | None]

    @staticmethod
    def resolve_subject(case: Case, context: dict[str, Any]) -> str:
        return _shown(case.subject, context)

    @staticmethod
    def resolve_category(case: Case) -> str | None:
        return case.category.slug if case.category_id is not None and case.category is not None else None

    @staticmethod
    def resolve_team(case: Case) -> int | None:
        return case.team_id

    @staticmethod
    def resolve_assignee(case: Case) -> int | None:
        return case.assignee_id

    @staticmethod
    def resolve_related_case(case: Case) -> int | None:
        return case.related_case_id

    @staticmethod
    def resolve_stages_entered(case: Case) -> dict[str, Any]:
        return {str(stage): case.stage_entered_at(stage) for stage in STAGE_ORDER}


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: str | None


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int


class MessageOut(Schema):
    id: int
    case: int
    kind: str
    channel: str
    body: str
    author: str
    is_internal: bool
    created_at: datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_case(message: Message) -> int:
        return message.case_id

    @staticmethod
    def resolve_author(message: Message, context: dict[str, Any]) -> str:
        return _shown(message.author_display(), context)

    @staticmethod
    def resolve_body(message: Message, context: dict[str, Any]) -> str:
        return _shown(message.body, context)

    @staticmethod
    def resolve_attachments(message: Message) -> list[Any]:
        return list(message.attachments.all())


class MessagePage(Schema):
    items: list[MessageOut]
    next_cursor: str | None


class EventOut(Schema):
    id: int
    kind: str
    created_at: datetime
    actor_name: str
    channel: str
    from_value: str = Field(serialization_alias="from")
    to_value: str = Field(serialization_alias="to")
    reason: str
    is_public: bool
    message: int | None

    @staticmethod
    def resolve_message(event: TimelineEvent) -> int | None:
        return event.message_id

    @staticmethod
    def resolve_reason(event: TimelineEvent, context: dict[str, Any]) -> str:
        # Reasons are written for colleagues; a customer sees what happened, not the staff's notes.
        request = context.get("request")
        viewer = getattr(request, "auth", None)
        return event.reason if getattr(viewer, "is_support_staff", False) else ""


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: str | None
