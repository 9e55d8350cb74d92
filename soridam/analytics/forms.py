"""The dashboard's filters: period, team, agent (leads and admins only), channel, category."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from soridam.accounts.models import Team
from soridam.analytics.access import Scope, visible_agents
from soridam.analytics.metrics import Filters
from soridam.cases.models import Category
from soridam.channels.kinds import Channel

PERIODS = (("7", _("Last 7 days")), ("30", _("Last 30 days")), ("90", _("Last 90 days")), ("365", _("Last year")))
DEFAULT_DAYS = 30
MAX_DAYS = 800


class FilterForm(forms.Form):
    days = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    start = forms.DateField(label=_("Start date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("End date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)
    agent = forms.TypedChoiceField(label=_("Agent"), coerce=int, required=False, empty_value=None)
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", _("All channels")), *Channel.choices], required=False)
    category = forms.TypedChoiceField(label=_("Category"), coerce=int, required=False, empty_value=None)

    def __init__(self, data: Any, *, scope: Scope) -> None:
        super().__init__(data)
        self.scope = scope
        teams = Team.objects.order_by("name")
        if scope.teams is not None:
            teams = teams.filter(pk__in=scope.teams)
        cast(forms.ChoiceField, self.fields["team"]).choices = [
            ("", _("All my teams") if scope.teams else _("All teams"))
        ] + [(team.pk, team.name) for team in teams]
        if scope.sees_agents:
            agents = [(agent.pk, agent.label()) for agent in visible_agents(scope)]
            cast(forms.ChoiceField, self.fields["agent"]).choices = [("", _("All agents")), *agents]
        else:
            del self.fields["agent"]  # agents never see another agent's figures (R-ANALYTICS-5)
        categories = [
            (category.pk, category.name_for(get_language() or "ko"))
            for category in Category.objects.filter(is_active=True)
        ]
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", _("All categories")), *categories]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and (end < start or (end - start).days > MAX_DAYS):
            raise forms.ValidationError(_("Choose an end date after the start, at most about two years later."))
        return cleaned

    def filters(self) -> Filters:
        """The valid filters (an invalid form gives the default: the last 30 days of the whole scope)."""
        data = self.cleaned_data if self.is_valid() else {}
        end: date = data.get("end") or timezone.localdate()
        start: date = data.get("start") or end - timedelta(days=int(data.get("days") or DEFAULT_DAYS) - 1)
        team = data.get("team")
        return Filters(
            start=start,
            end=end,
            teams=(team,) if team is not None else self.scope.teams,
            agent_id=data.get("agent") if self.scope.sees_agents else None,
            channel=data.get("channel") or "",
            category_id=data.get("category"),
        )
