"""Shops (secrets write-only, "connect to Cafe24", "sync now") and the stored orders, read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from soridam.lib.jobs import enqueue_job_on_commit
from soridam.orders.models import Order, Provider, Shop

SYNC_SHOP = "soridam.orders.tasks.sync_shop_now"  # named: admin and tasks sit side by side (README, "Layers")
SECRETS = ("client_secret", "access_token", "refresh_token")


class ShopForm(forms.ModelForm[Shop]):
    # Stored secrets are never sent back to the browser; an empty field keeps the stored value.
    client_secret = forms.CharField(
        label=_("Client secret"), required=False, widget=forms.PasswordInput(render_value=False)
    )
    access_token = forms.CharField(
        label=_("Access token"), required=False, widget=forms.PasswordInput(render_value=False)
    )
    refresh_token = forms.CharField(
        label=_("Refresh token"), required=False, widget=forms.PasswordInput(render_value=False)
    )

    class Meta:
        model = Shop
        fields = ("provider", "name", "slug", "base_url", "client_id", *SECRETS, "options", "active")

    def _kept(self, name: str) -> str:
        value = str(self.cleaned_data.get(name) or "")
        return value or (str(getattr(self.instance, name)) if self.instance.pk else "")

    def clean_client_secret(self) -> str:
        return self._kept("client_secret")

    def clean_access_token(self) -> str:
        return self._kept("access_token")

    def clean_refresh_token(self) -> str:
        return self._kept("refresh_token")


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin[Shop]):
    form = ShopForm
    list_display = ("name", "provider", "slug", "active", "last_synced_at", "unavailable_since", "last_error")
    list_filter = ("provider", "active")
    readonly_fields = (
        "connect",
        "token_expires_at",
        "last_synced_at",
        "sync_cursor",
        "unavailable_since",
        "last_error",
    )
    actions = ("sync_now",)

    @admin.display(description=_("Authorisation"))
    def connect(self, shop: Shop) -> str:
        if not shop.pk or shop.provider != Provider.CAFE24:
            return "-"
        label = _("Connect to Cafe24 again") if shop.refresh_token else _("Connect to Cafe24")
        return format_html('<a class="button" href="{}">{}</a>', reverse("cafe24_connect", args=[shop.pk]), label)

    @admin.action(description=_("Sync the selected shops now"))
    def sync_now(self, request: HttpRequest, queryset: QuerySet[Shop]) -> None:
        shops = list(queryset.filter(active=True))
        for shop in shops:
            enqueue_job_on_commit(SYNC_SHOP, shop.pk)
        self.message_user(request, _("Sync started for %(count)d shop(s).") % {"count": len(shops)})


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin[Order]):
    list_display = ("number", "shop", "status", "total", "customer", "placed_at", "synced_at")
    list_filter = ("shop", "status")
    search_fields = ("=number", "=external_id", "buyer_email")
    raw_id_fields = ("customer",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
