from django.contrib import admin

from soridam.notifications.models import OutboundMessage


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin[OutboundMessage]):
    list_display = ("created_at", "case", "kind", "channel", "state", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("state", "channel", "kind")
    list_select_related = ("case",)
    readonly_fields = (
        "case",
        "message",
        "channel",
        "account",
        "recipient",
        "subject",
        "body",
        "external_id",
        "attempts",
        "lease_until",
        "last_error",
    )
