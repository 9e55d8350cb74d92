"""What the dashboard page shows: the headline figures and the data of each chart, labelled for people."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from soridam.accounts.models import User
from soridam.analytics import costs, metrics
from soridam.analytics.access import Scope
from soridam.analytics.metrics import Figures, Filters, Sums
from soridam.analytics.models import FRT_EDGES_MINUTES
from soridam.channels.kinds import Channel


def _percent(value: float | None) -> float | None:
    return round(value * 100, 1) if value is not None else None


def _minutes(seconds: float | None) -> float | None:
    return round(seconds / 60, 1) if seconds is not None else None


def build(filters: Filters, scope: Scope) -> dict[str, Any]:
    days = metrics.series(filters)
    histogram = metrics.response_time_histogram(filters)
    figures = metrics.figures(metrics.totals(days), histogram)
    breakdowns = metrics.breakdowns(filters, ("channel", "agent_id") if scope.sees_agents else ("channel",))
    by_channel = breakdowns["channel"]
    cost = costs.cost_to_serve(
        {channel: sums.get("cases", 0) for channel, sums in by_channel.items()},
        deflected=costs.deflections_between(filters.start, filters.end),
        bot_contained=figures.bot_contained,
    )
    return {
        "figures": figures,
        "cards": _cards(figures, metrics.nps(filters)),
        "cost": cost,
        "channel_labels": dict(Channel.choices),
        "agent_rows": _agent_rows(breakdowns["agent_id"]) if scope.sees_agents else [],
        "charts": {
            "volume": _volume_chart(days, metrics.by_month(filters)),
            "rates": _rates_chart(days, metrics.by_month(filters)),
            "channels": _channel_chart(by_channel),
            "backlog": _backlog_chart(metrics.backlog_by_age(filters)),
            "response_times": _histogram_chart(histogram),
            "cost": _cost_chart(cost),
        },
    }


def _cards(figures: Figures, nps: float | None) -> list[tuple[str, str]]:
    def show(value: float | None, unit: str) -> str:
        return _("no data") if value is None else f"{value:,.1f}{unit}"

    return [
        (_("Case volume"), f"{figures.volume:,}"),
        (_("First response, median"), show(_minutes(figures.frt_median), _(" min"))),
        (_("First response, p90"), show(_minutes(figures.frt_p90), _(" min"))),
        (_("Answered within 4 hours"), show(_percent(figures.within_4h), "%")),
        (_("Resolution time, mean"), show(_minutes(figures.resolution_mean), _(" min"))),
        (_("First contact resolution"), show(_percent(figures.fcr), "%")),
        (_("SLA attainment"), show(_percent(figures.sla_attainment), "%")),
        (_("CSAT (1-5)"), show(figures.csat, "")),
        (_("NPS"), show(nps, "")),
    ]


def _labels(days: list[tuple[date, Sums]], by_month: bool) -> list[str]:
    return [f"{day:%Y-%m}" if by_month else day.isoformat() for day, _sums in days]


def _volume_chart(days: list[tuple[date, Sums]], by_month: bool) -> dict[str, Any]:
    return {
        "type": "bar",
        "labels": _labels(days, by_month),
        "datasets": [
            {"label": _("Cases opened"), "data": [sums.get("cases", 0) for _day, sums in days]},
            {"label": _("Cases solved"), "data": [sums.get("resolved", 0) for _day, sums in days]},
        ],
    }


def _rates_chart(days: list[tuple[date, Sums]], by_month: bool) -> dict[str, Any]:
    def series(part: str, whole: str) -> list[float | None]:
        return [_percent(sums.get(part, 0) / sums[whole]) if sums.get(whole) else None for _day, sums in days]

    return {
        "type": "line",
        "labels": _labels(days, by_month),
        "datasets": [
            {"label": _("Answered within 4 hours (%)"), "data": series("within_4h", "within_4h_decided")},
            {"label": _("First contact resolution (%)"), "data": series("fcr", "fcr_decided")},
            {"label": _("SLA attainment (%)"), "data": series("sla_met", "sla_due")},
        ],
    }


def _channel_chart(by_channel: dict[Any, Sums]) -> dict[str, Any]:
    labels = dict(Channel.choices)
    ordered = sorted(by_channel.items(), key=lambda item: -item[1].get("cases", 0))
    return {
        "type": "doughnut",
        "labels": [str(labels.get(channel, channel)) for channel, _sums in ordered],
        "datasets": [{"label": _("Cases by channel"), "data": [sums.get("cases", 0) for _c, sums in ordered]}],
    }


def _backlog_chart(backlog: list[tuple[str, int]]) -> dict[str, Any]:
    labels = {
        "under_1": _("Under a day"),
        "days_1_3": _("1-3 days"),
        "days_3_7": _("3-7 days"),
        "days_7_14": _("7-14 days"),
        "over_14": _("Over 14 days"),
    }
    return {
        "type": "bar",
        "labels": [labels[age] for age, _count in backlog],
        "datasets": [{"label": _("Open and waiting cases by age"), "data": [count for _label, count in backlog]}],
    }


def _histogram_chart(histogram: list[int]) -> dict[str, Any]:
    edges = (0, *FRT_EDGES_MINUTES)
    labels = [f"{low}-{high}" for low, high in zip(edges, FRT_EDGES_MINUTES, strict=False)] + [f"{edges[-1]}+"]
    return {
        "type": "bar",
        "labels": labels,
        "datasets": [{"label": _("First responses by business minutes"), "data": histogram}],
    }


def _cost_chart(cost: costs.CostToServe) -> dict[str, Any]:
    labels = dict(Channel.choices)
    return {
        "type": "bar",
        "labels": [str(labels.get(line.channel, line.channel)) for line in cost.lines],
        "datasets": [{"label": _("Cost to serve (phone contact = 100)"), "data": [line.total for line in cost.lines]}],
    }


def _agent_rows(rows: dict[Any, Sums]) -> list[tuple[str, Figures]]:
    names = {user.pk: user.label() for user in User.objects.filter(role__in=("agent", "lead", "admin"))}
    ordered = sorted(rows.items(), key=lambda item: -item[1].get("cases", 0))
    return [(names.get(agent_id, _("Unassigned")), metrics.figures(sums, [])) for agent_id, sums in ordered]
