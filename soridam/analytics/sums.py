"""The sums one day's facts roll up into: one definition for the rollup rows and today's live figures."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

DIMENSIONS = ("team_id", "agent_id", "channel", "category_id")


def fact_sums() -> dict[str, Any]:
    """Aggregates over ``CaseFact`` named like the ``DailyRollup`` columns, in the columns' order."""
    return {
        "cases": Count("pk"),
        "responded": Count("first_response_seconds"),
        "first_response_seconds_total": Coalesce(Sum("first_response_seconds"), 0),
        "within_4h": Count("pk", filter=Q(answered_within_4h=True)),
        "within_4h_decided": Count("answered_within_4h"),
        "resolved_count": Count("pk", filter=Q(resolved=True)),
        "resolution_seconds_total": Coalesce(Sum("resolution_seconds"), 0),
        "fcr_count": Count("pk", filter=Q(fcr=True)),
        "fcr_decided": Count("fcr"),
        "sla_due_total": Coalesce(Sum("sla_due"), 0),
        "sla_met_total": Coalesce(Sum("sla_met"), 0),
        "csat_answers": Count("csat"),
        "csat_total": Coalesce(Sum("csat"), 0),
        "csat_satisfied": Count("pk", filter=Q(csat__gte=4)),
        "bot_contained_count": Count("pk", filter=Q(bot_contained=True)),
    }


# The rollup column each fact aggregate fills (the aggregate names differ where a fact field has the same name).
ROLLUP_COLUMNS = {
    "cases": "cases",
    "responded": "responded",
    "first_response_seconds_total": "first_response_seconds",
    "within_4h": "within_4h",
    "within_4h_decided": "within_4h_decided",
    "resolved_count": "resolved",
    "resolution_seconds_total": "resolution_seconds",
    "fcr_count": "fcr",
    "fcr_decided": "fcr_decided",
    "sla_due_total": "sla_due",
    "sla_met_total": "sla_met",
    "csat_answers": "csat_answers",
    "csat_total": "csat_total",
    "csat_satisfied": "csat_satisfied",
    "bot_contained_count": "bot_contained",
}
