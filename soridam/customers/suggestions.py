"""Customers who are probably the same person as this one: suggested to agents, never merged by themselves.

Only an identical *verified* identifier joins two contacts automatically (``customers.actions``). Everything
here is a probability an agent confirms with a merge (``customers.merges``): the same phone number (nobody
proved it is theirs), the same e-mail address written with other capitals, the same name with the same last
four digits of a phone number.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from soridam.channels.kinds import Channel
from soridam.customers.models import Customer, Identity

MAX_SUGGESTIONS = 5
PHONE_TAIL = 4


@dataclass(frozen=True)
class Suggestion:
    customer: Customer
    reasons: list[str]


def probable_matches(customer: Customer, candidates: QuerySet[Customer]) -> list[Suggestion]:
    """Up to ``MAX_SUGGESTIONS`` customers among ``candidates`` (those the agent may see) that look like
    ``customer``, each with why. One query."""
    wanted = _match_filter(customer)
    if wanted is None:
        return []
    found = (
        candidates.filter(wanted, merged_into__isnull=True)
        .exclude(pk=customer.pk)
        .distinct()
        .order_by("-id")[:MAX_SUGGESTIONS]
    )
    return [Suggestion(other, _reasons(customer, other)) for other in found]


def _match_filter(customer: Customer) -> Q | None:
    wanted = Q(pk__in=[])
    if customer.phone:
        same_number = Identity.objects.filter(**Identity.match(Channel.SMS, customer.phone)).values("customer_id")
        wanted |= Q(phone=customer.phone) | Q(pk__in=same_number)
        if customer.name.strip():
            wanted |= Q(name__iexact=customer.name.strip(), phone__endswith=customer.phone[-PHONE_TAIL:])
    if customer.email:
        same_address = Identity.objects.filter(**Identity.match(Channel.EMAIL, customer.email.lower()))
        wanted |= Q(email__iexact=customer.email) | Q(pk__in=same_address.values("customer_id"))
    return None if wanted == Q(pk__in=[]) else wanted


def _reasons(customer: Customer, other: Customer) -> list[str]:
    reasons = []
    if customer.phone and other.phone == customer.phone:
        reasons.append(str(_("same phone number, not verified")))
    if customer.email and other.email.lower() == customer.email.lower():
        reasons.append(str(_("same e-mail address")))
    same_name = customer.name.strip() and other.name.strip().lower() == customer.name.strip().lower()
    if same_name and customer.phone and other.phone.endswith(customer.phone[-PHONE_TAIL:]):
        reasons.append(str(_("same name and the same last digits of the phone number")))
    return reasons or [str(_("an identity of this customer"))]
