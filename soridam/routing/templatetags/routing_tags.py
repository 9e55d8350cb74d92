from __future__ import annotations

from typing import Any

from django import template

from soridam.routing.models import AgentState, Presence
from soridam.routing.presence import HEARTBEAT_SECONDS

register = template.Library()


@register.inclusion_tag("routing/_presence.html", takes_context=True)
def presence_form(context: dict[str, Any]) -> dict[str, Any]:
    user = context["user"]
    current = AgentState.objects.filter(agent=user).values_list("presence", flat=True).first()
    return {
        "current": current or Presence.OFFLINE,
        "choices": Presence.choices,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("routing/_presence_switch.html", takes_context=True)
def presence_switch(context: dict[str, Any]) -> dict[str, Any]:
    """The header's presence select: it saves on change (htmx) and comes back to this page without JS."""
    request = context["request"]
    return {**presence_form(context), "next": request.get_full_path(), "heartbeat_seconds": HEARTBEAT_SECONDS}
