"""The SLA badge: next due time and breach risk of a case, for the inbox and the case page."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from soridam.cases.models import Case
from soridam.sla.models import CaseSla
from soridam.sla.risk import level

register = template.Library()


@register.inclusion_tag("sla/_badge.html")
def sla_badge(case: Case) -> dict[str, Any]:
    try:
        sla = case.sla
    except ObjectDoesNotExist:
        sla = None
    if sla is not None and sla.resolved_at is not None:
        # A solved case's clocks stop; "paused" would read as if it waited on the customer.
        return {"due": None, "resolved": True, "met": was_met(sla), "paused": False}
    due = case.sla_due_at
    if sla is None or due is None:
        return {"due": None, "paused": sla is not None and sla.paused_at is not None}
    risk = 100 if due <= timezone.now() else sla.risk
    return {"due": due, "risk": risk, "level": level(risk), "paused": False}


def was_met(sla: CaseSla) -> bool:
    """Every target that had a due time was reached by it."""
    reached = [(sla.first_responded_at, sla.first_response_due), (sla.resolved_at, sla.resolution_due)]
    return all(done is None or due is None or done <= due for done, due in reached)
