"""Channel accounts (secrets write-only) and the raw payload store with its quarantine."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from soridam.accounts import processors
from soridam.channels import pipeline
from soridam.channels.base import get_transport
from soridam.channels.models import CaseParticipant, ChannelAccount, PayloadState, RawPayload
from soridam.channels.webhooks import webhook_url


class ChannelAccountForm(forms.ModelForm[ChannelAccount]):
    # The stored secret is never sent back to the browser; an empty field keeps it.
    secret = forms.CharField(
        label=_("Password or signing secret"), required=False, widget=forms.PasswordInput(render_value=False)
    )
    token = forms.CharField(label=_("Access token"), required=False, widget=forms.PasswordInput(render_value=False))

    class Meta:
        model = ChannelAccount
        fields = (
            "kind",
            "name",
            "slug",
            "address",
            "team",
            "host",
            "port",
            "security",
            "username",
            "secret",
            "token",
            "options",
            "folder",
            "done_folder",
            "is_active",
        )

    def clean_secret(self) -> str:
        value = str(self.cleaned_data.get("secret") or "")
        return value or (self.instance.secret if self.instance.pk else "")

    def clean_token(self) -> str:
        value = str(self.cleaned_data.get("token") or "")
        return value or (self.instance.token if self.instance.pk else "")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = str(cleaned.get("kind") or "")
        if cleaned.get("is_active") and not processors.is_accepted(kind):
            self.add_error(
                "is_active",
                _(
                    "An admin must accept the outsourcing and cross-border notice for %(kind)s first "
                    "(Processor acceptances)."
                )
                % {"kind": kind},
            )
        return cleaned


@admin.register(ChannelAccount)
class ChannelAccountAdmin(admin.ModelAdmin[ChannelAccount]):
    form = ChannelAccountForm
    list_display = ("name", "kind", "slug", "address", "team", "is_active", "last_checked_at", "last_error")
    readonly_fields = ("webhook_url", "last_checked_at", "last_error")
    actions = ("check_health",)

    @admin.display(description=_("Webhook URL"))
    def webhook_url(self, account: ChannelAccount) -> str:
        return webhook_url(account) if account.pk else ""

    @admin.action(description=_("Check that the account can log in"))
    def check_health(self, request: HttpRequest, queryset: QuerySet[ChannelAccount]) -> None:
        for account in queryset:
            health = get_transport(account.kind).health(account)
            level = messages.SUCCESS if health.ok else messages.ERROR
            self.message_user(request, f"{account.name}: {health.detail}", level)


@admin.register(RawPayload)
class RawPayloadAdmin(admin.ModelAdmin[RawPayload]):
    """Quarantine: what could not be taken in, with the reason and the bytes, never dropped."""

    list_display = ("received_at", "kind", "external_id", "state", "reason", "size", "case")
    list_filter = ("state", "kind")
    search_fields = ("external_id", "reason", "source")
    readonly_fields = [f.name for f in RawPayload._meta.fields if f.name != "raw"] + ["preview"]
    exclude = ("raw",)
    actions = ("reprocess",)

    @admin.display(description=_("Raw bytes (first 20 kB)"))
    def preview(self, payload: RawPayload) -> str:
        return bytes(payload.raw[:20000]).decode("utf-8", "replace")

    @admin.action(description=_("Reprocess the selected payloads"))
    def reprocess(self, request: HttpRequest, queryset: QuerySet[RawPayload]) -> None:
        done = [pipeline.requeue(payload).state for payload in queryset.filter(state=PayloadState.QUARANTINED)]
        self.message_user(request, _("%(count)d payload(s) reprocessed.") % {"count": len(done)})

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CaseParticipant)
class CaseParticipantAdmin(admin.ModelAdmin[CaseParticipant]):
    list_display = ("case", "address", "role", "created_at")
    search_fields = ("address", "case__reference")
