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
def recent_remedies(customer: Customer, user: User) -> list[Remedy]:
    """The customer's remedies of the last 12 months on cases ``user`` may see, newest first (one query)."""
    since = timezone.now() - timedelta(days=365)
    remedies = Remedy.objects.filter(customer=customer, requested_at__gte=since, case__in=cases_visible_to(user))
    remedies = remedies.select_related("case")
    return list(remedies.order_by("-requested_at", "-id")[:20])
