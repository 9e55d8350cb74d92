"""The SLA badge: next due time and breach risk of a case, for the inbox and the case page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from soridam.cases.models import Case
from soridam.sla.business_time import next_opening
from soridam.sla.clock import clocks_of, schedule_for
from soridam.sla.risk import level

register = template.Library()


@register.inclusion_tag("sla/_badge.html")
def sla_badge(case: Case) -> dict[str, Any]:
    try:
        sla = case.sla
    except ObjectDoesNotExist:
        sla = None
    due = case.sla_due_at
    if sla is None or due is None:
        return {"due": None, "paused": sla is not None and sla.paused_at is not None}
    risk = 100 if due <= timezone.now() else sla.risk
    return {"due": due, "risk": risk, "level": level(risk), "paused": False}


@register.simple_tag
def sla_next_opening(case: Case) -> datetime | None:
    """When the team opens again, if the case was filed while it was closed (for the acknowledgement)."""

    sla = clocks_of(case)
    if sla is None:
        return None
    opens = next_opening(schedule_for(sla), sla.started_at)
    return opens if opens > sla.started_at else None
