"""Templates reach the presenter through these; none of them masks on its own."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import QuerySet

from soridam.cases.models import Case
from soridam.privacy import presenter
from soridam.privacy.access import may_reveal_pii, reviews_access_log
from soridam.privacy.models import AccessAction, AccessLog

register = template.Library()

ACCESS_LOG_ROWS = 20


@register.filter
def shown(text: str | None, user: Any) -> str:
    """``{{ case.subject|shown:user }}``."""
    return presenter.shown(user, text or "")


@register.filter
def shown_email(address: str | None, user: Any) -> str:
    return presenter.shown_email(user, address or "")


@register.filter
def shown_phone(number: str | None, user: Any) -> str:
    return presenter.shown_phone(user, number or "")


@register.simple_tag(takes_context=True)
def access_log_of(context: Any, case: Case) -> QuerySet[AccessLog] | None:
    """The latest reveals of this case, for leads and admins; None (and no query) for everyone else. Views are
    in the access log too, but the case page lists only what was seen unmasked."""
    user = context.get("user")
    if user is None or not reviews_access_log(user):
        return None
    seen = AccessLog.objects.filter(case=case, action__in=(AccessAction.REVEAL, AccessAction.VIEW_ORIGINAL))
    return seen.select_related("user").order_by("-created_at", "-id")[:ACCESS_LOG_ROWS]


@register.filter
def may_reveal(user: Any) -> bool:
    """``{% if user|may_reveal %}``: links to what only a revealing role may open are shown only to it."""
    return user is not None and may_reveal_pii(user)
