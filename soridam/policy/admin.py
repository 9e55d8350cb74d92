"""Admin for rule sets (drafted, checked against the statutory minima, activated), limits and remedies."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from soridam.audit.actors import Actor
from soridam.policy import rules
from soridam.policy.models import (
    AuthorityLimit,
    LedgerEntry,
    Remedy,
    Rule,
    RuleAllowance,
    RuleComment,
    RuleSet,
    RuleSetState,
)


class RuleSetForm(forms.ModelForm[RuleSet]):
    class Meta:
        model = RuleSet
        fields = ("version", "name", "state", "note")

    def clean(self) -> dict[str, Any]:
        """A set becomes active only through ``rules.activate``, which checks the statutory minima first."""
        cleaned = super().clean() or {}
        becoming_active = cleaned.get("state") == RuleSetState.ACTIVE and (
            self.instance.pk is None or self.initial.get("state") != RuleSetState.ACTIVE
        )
        if becoming_active and self.instance.pk is not None:
            rules.check_activatable(self.instance)
        elif becoming_active:
            raise ValidationError(_("Save the rule set as a draft, add its rules, then activate it."))
        return cleaned


class RuleInline(admin.TabularInline[Rule, RuleSet]):
    model = Rule
    extra = 0
    fields = ("code", "title", "category", "min_days_since_delivery", "max_days_since_delivery", "tier")
    show_change_link = True


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin[RuleSet]):
    form = RuleSetForm
    list_display = ("version", "name", "state", "activated_at", "retired_at")
    readonly_fields = ("activated_at", "retired_at", "created_at")
    inlines = [RuleInline]
    actions = ["activate"]

    def save_model(self, request: HttpRequest, obj: RuleSet, form: Any, change: bool) -> None:
        activating = obj.state == RuleSetState.ACTIVE and form.initial.get("state") != RuleSetState.ACTIVE
        if activating:
            obj.state = form.initial.get("state", RuleSetState.DRAFT)
        super().save_model(request, obj, form, change)
        if activating:
            rules.activate(obj, actor=Actor(user=request.user))  # type: ignore[arg-type]

    @admin.action(description=_("Activate the selected rule set (retires the active one)"))
    def activate(self, request: HttpRequest, queryset: QuerySet[RuleSet]) -> None:
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one rule set to activate."), messages.ERROR)
            return
        try:
            rules.activate(queryset.get(), actor=Actor(user=request.user))  # type: ignore[arg-type]
        except ValidationError as error:
            self.message_user(request, "; ".join(error.messages), messages.ERROR)
            return
        self.message_user(request, _("The rule set is active."), messages.SUCCESS)


class AllowanceInline(admin.TabularInline[RuleAllowance, Rule]):
    model = RuleAllowance
    extra = 1


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin[Rule]):
    list_display = ("code", "title", "rule_set", "category", "tier")
    list_filter = ("rule_set",)
    inlines = [AllowanceInline]


@admin.register(AuthorityLimit)
class AuthorityLimitAdmin(admin.ModelAdmin[AuthorityLimit]):
    list_display = ("role", "group", "max_amount")


@admin.register(Remedy)
class RemedyAdmin(admin.ModelAdmin[Remedy]):
    """Read only: remedies change through the case actions (approvals on the approvals page)."""

    list_display = ("case", "kind", "amount", "state", "requested_by", "decided_by", "requested_at")
    list_filter = ("state", "kind", "within_rules")
    list_select_related = ("case", "requested_by", "decided_by")

    def has_change_permission(self, request: HttpRequest, obj: Remedy | None = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


admin.site.register(LedgerEntry)
admin.site.register(RuleComment)
