from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from soridam.notifications.models import NotificationRule, OutboundMessage
from soridam.privacy.presenter import shown, shown_email

Column = Callable[[OutboundMessage], str]


def _recipient_column(user: Any) -> Column:
    def recipient(outbound: OutboundMessage) -> str:
        return _shown_recipient(user, outbound)

    return recipient


def _shown_recipient(user: Any, outbound: OutboundMessage) -> str:
    # An e-mail address is masked as one; a messenger's user id is shown through the text presenter.
    return shown_email(user, outbound.recipient) if "@" in outbound.recipient else shown(user, outbound.recipient)


def _viewer(outbound: OutboundMessage) -> Any:
    return getattr(outbound, "_viewer", None)


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin[OutboundMessage]):
    """Recipient, subject and body are customer data: shown through the privacy presenter, never as form fields."""

    list_filter = ("state", "channel", "kind")
    list_select_related = ("case",)
    exclude = ("recipient", "subject", "body")
    readonly_fields = (
        "case",
        "message",
        "channel",
        "account",
        "shown_recipient",
        "shown_subject",
        "shown_body",
        "external_id",
        "attempts",
        "lease_until",
        "send_started_at",
        "last_error",
    )

    def get_list_display(self, request: HttpRequest) -> tuple[str | Column, ...]:
        recipient = _recipient_column(request.user)
        return ("created_at", "case", "kind", "channel", recipient, "state", "attempts", "next_attempt_at", "sent_at")

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> OutboundMessage | None:
        outbound = super().get_object(request, object_id, from_field)
        if outbound is not None:
            # Display methods get the object only; the presenter needs to know who is looking.
            setattr(outbound, "_viewer", request.user)  # noqa: B010 - not a model field
        return outbound

    @admin.display(description="recipient")
    def shown_recipient(self, outbound: OutboundMessage) -> str:
        return _shown_recipient(_viewer(outbound), outbound)

    @admin.display(description="subject")
    def shown_subject(self, outbound: OutboundMessage) -> str:
        return shown(_viewer(outbound), outbound.subject)

    @admin.display(description="body")
    def shown_body(self, outbound: OutboundMessage) -> str:
        return shown(_viewer(outbound), outbound.body)


@admin.register(NotificationRule)
class NotificationRuleAdmin(admin.ModelAdmin[NotificationRule]):
    """The customer notification policy: which events the customer is told about (``notifications.policy``)."""

    list_display = ("event", "send", "coalesce_minutes")
    list_editable = ("send", "coalesce_minutes")

    def get_readonly_fields(self, request: HttpRequest, obj: NotificationRule | None = None) -> tuple[str, ...]:
        return ("event",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: NotificationRule | None = None) -> bool:
        return False  # a missing rule falls back to the default; switch it off instead
