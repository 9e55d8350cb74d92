"""The agent's live chat panel on the case page (``{% live_chat case %}`` in workspace/case.html)."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest

from soridam.cases.models import Case
from soridam.channels.kinds import Channel

register = template.Library()


@register.inclusion_tag("chat/_agent_panel.html", takes_context=True)
def live_chat(context: dict[str, Any], case: Case) -> dict[str, Any]:
    """Shown on chat cases only; the socket is the chat's ASGI server on the page's own host."""
    request: HttpRequest = context["request"]
    host = request.get_host().rsplit(":", 1)[0]
    scheme = "wss" if request.is_secure() else "ws"
    url = f"{scheme}://{host}:{settings.CHAT_WS_PORT}/ws/agent/?case={case.pk}"
    return {"show": case.channel == Channel.CHAT, "socket_url": url}
