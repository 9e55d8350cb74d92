from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from soridam.notifications.models import OutboundEmail
from soridam.privacy.presenter import shown, shown_email

Column = Callable[[OutboundEmail], str]


def _masked(label: str, user: Any, value: Callable[[OutboundEmail], str], *, email: bool = False) -> Column:
    """A column or read-only field that shows the outbox text through the presenter, as this user may see it."""

    def column(outbound: OutboundEmail) -> str:
        return (shown_email if email else shown)(user, value(outbound))

    column.short_description = label  # type: ignore[attr-defined]  # the admin reads its label from here
    return column


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin[OutboundEmail]):
    list_filter = ("state", "kind")
    # Subject, body and recipient are customer data: shown masked through the presenter, never as form fields.
    exclude = ("to_address", "subject", "body")

    def get_list_display(self, request: HttpRequest) -> tuple[str | Column, ...]:
        to = _masked("to address", request.user, lambda outbound: outbound.to_address, email=True)
        return ("created_at", "case", "kind", to, "state", "attempts", "sent_at")

    # django-stubs type these as names only; Django documents callables here too (they need the request's user).
    def get_readonly_fields(  # type: ignore[override]
        self, request: HttpRequest, obj: OutboundEmail | None = None
    ) -> tuple[str | Column, ...]:
        user = request.user
        to = _masked("to address", user, lambda outbound: outbound.to_address, email=True)
        subject = _masked("subject", user, lambda outbound: outbound.subject)
        body = _masked("body", user, lambda outbound: outbound.body)
        return ("case", "message", to, subject, body, "rfc_message_id", "last_error")
