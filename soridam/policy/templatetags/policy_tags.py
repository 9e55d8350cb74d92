from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils import timezone

from soridam.accounts.models import User
from soridam.cases.access import cases_visible_to
from soridam.customers.models import Customer
from soridam.policy.models import Remedy

register = template.Library()


@register.simple_tag
def recent_remedies(customer: Customer, user: User, visible_case_ids: object = None) -> list[Remedy]:
    """The customer's remedies of the last 12 months on cases ``user`` may see, newest first (one query).
    ``visible_case_ids``: those cases of the customer, when the caller has read them (the 360 panel); a
    template without it passes None or the empty string, and the cases are then the visibility sub-select."""
    since = timezone.now() - timedelta(days=365)
    scope = visible_case_ids if isinstance(visible_case_ids, list) else cases_visible_to(user)
    remedies = Remedy.objects.filter(customer=customer, requested_at__gte=since, case__in=scope)
    remedies = remedies.select_related("case")
    return list(remedies.order_by("-requested_at", "-id")[:20])
