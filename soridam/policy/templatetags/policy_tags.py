from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils import timezone

from soridam.customers.models import Customer
from soridam.policy.models import Remedy

register = template.Library()


@register.simple_tag
def recent_remedies(customer: Customer) -> list[Remedy]:
    """The customer's remedies of the last 12 months, newest first (one query)."""
    since = timezone.now() - timedelta(days=365)
    remedies = Remedy.objects.filter(customer=customer, requested_at__gte=since).select_related("case")
    return list(remedies.order_by("-requested_at", "-id")[:20])
