"""The staffing plan: the 14-day forecast per hour turned into agents with Erlang C (R-ANALYTICS-3, -4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from soridam.analytics import forecast
from soridam.analytics.erlang import Staffing, agents_needed
from soridam.channels.kinds import Channel

FORECAST_CACHE_SECONDS = 600


@dataclass(frozen=True)
class Inputs:
    channel: str = ""
    handle_seconds: int = 300
    target_percent: int = 80
    answer_seconds: int = 20
    shrinkage_percent: int = 30


class StaffingForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"), choices=[("", gettext_lazy("All channels")), *Channel.choices], required=False
    )
    handle_seconds = forms.IntegerField(label=gettext_lazy("Average handle time (s)"), min_value=10, max_value=7200)
    target_percent = forms.IntegerField(label=gettext_lazy("Service level target (%)"), min_value=1, max_value=99)
    answer_seconds = forms.IntegerField(label=gettext_lazy("Answered within (s)"), min_value=1, max_value=86400)
    shrinkage_percent = forms.IntegerField(label=gettext_lazy("Shrinkage (%)"), min_value=0, max_value=90)

    def __init__(self, data: Any) -> None:
        defaults = Inputs()
        super().__init__(data, initial=defaults.__dict__)
        self.defaults = defaults

    def inputs(self) -> Inputs:
        if not self.is_bound or not self.is_valid():
            return self.defaults
        return Inputs(**{name: value for name, value in self.cleaned_data.items() if value not in (None,)})


def hourly_forecast(channel: str) -> dict[tuple[date, int], float]:
    """Computed once per channel and day in each cache: it reads eight weeks of cases."""
    key = f"analytics:forecast:{channel}:{timezone.localdate().isoformat()}"
    cached: dict[tuple[date, int], float] | None = cache.get(key)
    if cached is None:
        cached = forecast.channel_forecast(channel)
        cache.set(key, cached, FORECAST_CACHE_SECONDS)
    return cached


def plan(inputs: Inputs) -> dict[str, Any]:
    contacts = hourly_forecast(inputs.channel)
    staffed: dict[tuple[date, int], Staffing] = {
        moment: agents_needed(
            volume,
            inputs.handle_seconds,
            target=inputs.target_percent / 100,
            answer_seconds=inputs.answer_seconds,
            shrinkage=inputs.shrinkage_percent / 100,
        )
        for moment, volume in sorted(contacts.items())
    }
    days = sorted({day for day, _hour in staffed})
    return {
        "inputs": inputs,
        "days": [_day_row(day, contacts, staffed) for day in days],
        "first_day": [(hour, round(contacts[(days[0], hour)], 1), staffed[(days[0], hour)]) for hour in range(24)]
        if days
        else [],
        "charts": {
            "staffing": {
                "type": "bar",
                "labels": [f"{day:%m-%d} {hour:02d}" for day, hour in staffed],
                "datasets": [
                    {"label": _("Forecast contacts"), "type": "line", "data": [round(v, 1) for v in contacts.values()]},
                    {"label": _("Agents scheduled"), "data": [s.scheduled for s in staffed.values()]},
                ],
            }
        },
    }


def _day_row(
    day: date, contacts: dict[tuple[date, int], float], staffed: dict[tuple[date, int], Staffing]
) -> dict[str, Any]:
    hours = [staffed[(day, hour)] for hour in range(24)]
    return {
        "day": day,
        "holiday": forecast.is_holiday(day),
        "contacts": round(sum(contacts[(day, hour)] for hour in range(24))),
        "peak": max(s.scheduled for s in hours),
        "agent_hours": sum(s.scheduled for s in hours),
    }
