from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from soridam.alerts.forms import DigestForm
from soridam.alerts.models import Alert
from soridam.alerts.text import describe

register = template.Library()


@register.inclusion_tag("alerts/_bell.html")
def alert_bell() -> dict[str, Any]:
    """The header's bell. It costs the page no query: htmx asks for the count on load and every few seconds;
    without JavaScript it is a plain link to the list."""
    return {"poll_seconds": settings.SORIDAM_ALERT_POLL_SECONDS}


@register.inclusion_tag("alerts/_digest_form.html", takes_context=True)
def digest_form(context: dict[str, Any]) -> dict[str, Any]:
    return {"form": DigestForm(user=context["user"]), "csrf_token": context.get("csrf_token")}


@register.filter
def alert_text(alert: Alert) -> str:
    return describe(alert)
