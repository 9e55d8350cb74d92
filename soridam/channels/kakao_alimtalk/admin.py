from django.contrib import admin

from soridam.channels.kakao_alimtalk.models import AlimTalkSend, AlimTalkTemplate


@admin.register(AlimTalkTemplate)
class AlimTalkTemplateAdmin(admin.ModelAdmin[AlimTalkTemplate]):
    list_display = ("code", "name", "status")
    list_filter = ("status",)
    search_fields = ("code", "name")


@admin.register(AlimTalkSend)
class AlimTalkSendAdmin(admin.ModelAdmin[AlimTalkSend]):
    list_display = ("template", "state", "created_at")
    list_filter = ("state",)
    readonly_fields = [field.name for field in AlimTalkSend._meta.fields]
