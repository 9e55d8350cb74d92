from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from soridam.channels.kakao_alimtalk.models import AlimTalkSend, AlimTalkTemplate
from soridam.notifications.models import NotificationKind


class AlimTalkTemplateForm(forms.ModelForm[AlimTalkTemplate]):
    # The model keeps the kind as text (its app may not import the notifications models); the admin offers the kinds.
    notice = forms.ChoiceField(
        label=_("customer notice"), choices=[("", "—"), *NotificationKind.choices], required=False
    )

    class Meta:
        model = AlimTalkTemplate
        fields = ["code", "name", "body", "buttons", "status", "notice"]


@admin.register(AlimTalkTemplate)
class AlimTalkTemplateAdmin(admin.ModelAdmin[AlimTalkTemplate]):
    form = AlimTalkTemplateForm
    list_display = ("code", "name", "status", "notice")
    list_filter = ("status", "notice")
    search_fields = ("code", "name")


@admin.register(AlimTalkSend)
class AlimTalkSendAdmin(admin.ModelAdmin[AlimTalkSend]):
    list_display = ("template", "state", "created_at")
    list_filter = ("state",)
    readonly_fields = [field.name for field in AlimTalkSend._meta.fields]
