from django.contrib import admin

from soridam.channels.meta.models import MessageTemplate


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin[MessageTemplate]):
    list_display = ("name", "language", "kind", "is_active")
    list_filter = ("kind", "language", "is_active")
    search_fields = ("name", "body")
