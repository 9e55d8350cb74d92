from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from soridam.notifications.models import OutboundEmail
from soridam.privacy.presenter import shown, shown_email

Column = Callable[[OutboundEmail], str]


def _recipient_column(user: Any) -> Column:
    def to_address(outbound: OutboundEmail) -> str:
        return shown_email(user, outbound.to_address)

    return to_address


def _viewer(outbound: OutboundEmail) -> Any:
    return getattr(outbound, "_viewer", None)


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin[OutboundEmail]):
    """Recipient, subject and body are customer data: shown through the privacy presenter, never as form fields."""

    list_filter = ("state", "kind")
    exclude = ("to_address", "subject", "body")
    readonly_fields = ("case", "message", "recipient", "shown_subject", "shown_body", "rfc_message_id", "last_error")

    def get_list_display(self, request: HttpRequest) -> tuple[str | Column, ...]:
        return ("created_at", "case", "kind", _recipient_column(request.user), "state", "attempts", "sent_at")

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> OutboundEmail | None:
        outbound = super().get_object(request, object_id, from_field)
        if outbound is not None:
            # Display methods get the object only; the presenter needs to know who is looking.
            setattr(outbound, "_viewer", request.user)  # noqa: B010 - not a model field
        return outbound

    @admin.display(description="to address")
    def recipient(self, outbound: OutboundEmail) -> str:
        return shown_email(_viewer(outbound), outbound.to_address)

    @admin.display(description="subject")
    def shown_subject(self, outbound: OutboundEmail) -> str:
        return shown(_viewer(outbound), outbound.subject)

    @admin.display(description="body")
    def shown_body(self, outbound: OutboundEmail) -> str:
        return shown(_viewer(outbound), outbound.body)
