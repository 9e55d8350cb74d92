from django.contrib import admin

from soridam.notifications.models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin[OutboundEmail]):
    list_display = ("created_at", "case", "kind", "to_address", "state", "attempts", "sent_at")
    list_filter = ("state", "kind")
    readonly_fields = ("case", "message", "subject", "body", "rfc_message_id", "last_error")
