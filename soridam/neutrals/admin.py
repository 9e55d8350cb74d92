"""The roster and the declared ties in the admin. Draws, disclosures, objections and their log change only
through ``neutrals.selection``: the admin shows them read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from soridam.neutrals.models import Draw, Neutral, NeutralEvent, Tie


class TieInline(admin.TabularInline[Tie, Neutral]):
    model = Tie
    fk_name = "neutral"
    extra = 0
    raw_id_fields = ("customer", "shop", "user")


@admin.register(Neutral)
class NeutralAdmin(admin.ModelAdmin[Neutral]):
    list_display = ("user", "active", "fee_basis", "fee_krw", "max_open_cases", "unavailable_until")
    list_filter = ("active", "fee_basis")
    raw_id_fields = ("user",)
    inlines = [TieInline]


@admin.register(Tie)
class TieAdmin(admin.ModelAdmin[Tie]):
    list_display = ("neutral", "kind", "customer", "shop", "user", "business", "ended_on")
    list_filter = ("kind",)
    raw_id_fields = ("neutral", "customer", "shop", "user")


class ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Draw)
class DrawAdmin(ReadOnly):
    list_display = ("dispute", "number", "neutral", "state", "drawn_at", "objection_deadline", "appointed_at")
    list_filter = ("state",)


@admin.register(NeutralEvent)
class NeutralEventAdmin(ReadOnly):
    list_display = ("dispute", "draw", "kind", "at", "actor")
    list_filter = ("kind",)
