"""Finding cases by what identifies them: the case reference, an order number, the customer's e-mail
address, phone number or name.

Like ``search.engine``, this takes the cases the caller may see (``cases.access.cases_visible_to``) and
never widens them: a reference outside that queryset is simply not found, so nothing tells an agent that
it exists. Every lookup is an indexed equality or prefix match (the reference's unique key, the order
number's index, the customer's e-mail and phone indexes and the identity key), so it stays fast at
millions of cases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from soridam.cases.models import Case
from soridam.channels.kinds import Channel
from soridam.customers.models import Customer, Identity
from soridam.customers.phones import canonical_phone, looks_like_phone

# "C-2026-000301", "c-2026-301", or just the number: "000301", "301". Numbers are unique across years.
FULL_REFERENCE = re.compile(r"^C-(\d{4})-(\d{1,9})$", re.IGNORECASE)
BARE_NUMBER = re.compile(r"^\d{1,8}$")
FIRST_YEAR = 2000
MIN_ORDER_PREFIX = 4
MIN_NAME = 2
MAX_CUSTOMERS = 200


@dataclass(frozen=True)
class IdentifierMatches:
    """``reference`` is the one case the query names by its reference; ``cases`` every match, best first.
    ``identifier`` is true when the query as typed is a reference, order number, e-mail or phone that matched:
    searching the words of the messages for it as well would only add noise."""

    reference: Case | None = None
    cases: list[Case] = field(default_factory=list)
    identifier: bool = False


def find_by_identifiers(query: str, visible: QuerySet[Case], *, limit: int = 50) -> IdentifierMatches:
    """Cases in ``visible`` that ``query`` identifies: by reference, then order number, e-mail, phone, name."""
    text = " ".join(query.split())
    if not text:
        return IdentifierMatches()
    reference = _by_reference(text, visible)
    identified = [reference] if reference else []
    for lookup in (_by_order_number, _by_email, _by_phone):
        identified += lookup(text, visible, limit)
    found = _unique(identified + _by_name(text, visible, limit))[:limit]
    return IdentifierMatches(reference=reference, cases=found, identifier=bool(identified))


def reference_candidates(text: str, this_year: int) -> list[str]:
    """The references ``text`` may stand for: itself when whole, else its number in every year."""
    whole = FULL_REFERENCE.match(text)
    if whole:
        return [f"C-{whole[1]}-{int(whole[2]):06d}"]
    if BARE_NUMBER.match(text) and int(text) > 0:
        return [f"C-{year}-{int(text):06d}" for year in range(FIRST_YEAR, this_year + 2)]
    return []


def _by_reference(text: str, visible: QuerySet[Case]) -> Case | None:
    candidates = reference_candidates(text, timezone.now().year)
    if not candidates:
        return None
    matches = list(visible.filter(reference__in=candidates)[:2])
    return matches[0] if len(matches) == 1 else None


def _by_order_number(text: str, visible: QuerySet[Case], limit: int) -> list[Case]:
    """Exact matches first, then numbers that start with what was typed (``2026-12`` finds ``2026-1234``)."""
    if len(text) < MIN_ORDER_PREFIX or " " in text or not any(ch.isdigit() for ch in text):
        return []
    # No ORDER BY on purpose: the prefix walks the order-number index and stops after ``limit`` rows;
    # sorting first would read every match of a short prefix.
    found = list(visible.filter(order_number__startswith=text)[:limit])
    return sorted(found, key=lambda case: (case.order_number != text, -case.created_at.timestamp()))


def _by_email(text: str, visible: QuerySet[Case], limit: int) -> list[Case]:
    if "@" not in text or " " in text:
        return []
    address = text.lower()
    customers = _customer_ids(Customer.objects.filter(email=address), Channel.EMAIL, address)
    return _cases_of(customers, visible, limit)


def _by_phone(text: str, visible: QuerySet[Case], limit: int) -> list[Case]:
    if not looks_like_phone(text):
        return []
    number = canonical_phone(text)
    customers = _customer_ids(Customer.objects.filter(phone=number), Channel.SMS, number)
    return _cases_of(customers, visible, limit)


def _by_name(text: str, visible: QuerySet[Case], limit: int) -> list[Case]:
    """Part of a name, Korean or Latin ("길동" finds 홍길동). Names hold no digits or @."""
    if len(text) < MIN_NAME or any(ch.isdigit() or ch == "@" for ch in text):
        return []
    customers = list(Customer.objects.filter(name__icontains=text).values_list("pk", flat=True)[:MAX_CUSTOMERS])
    return _cases_of(customers, visible, limit)


def _customer_ids(by_field: QuerySet[Customer], channel: str, external_id: str) -> list[int]:
    """Customers whose own field holds the value, and those known by it as an identity on ``channel``."""
    ids = set(by_field.values_list("pk", flat=True)[:MAX_CUSTOMERS])
    ids.update(Identity.objects.filter(**Identity.match(channel, external_id)).values_list("customer_id", flat=True))
    return sorted(ids)


def _cases_of(customer_ids: list[int], visible: QuerySet[Case], limit: int) -> list[Case]:
    if not customer_ids:
        return []
    return list(visible.filter(customer_id__in=customer_ids).order_by("-created_at", "-id")[:limit])


def _unique(cases: list[Case]) -> list[Case]:
    first: dict[int, Case] = {}
    for case in cases:
        first.setdefault(case.pk, case)
    return list(first.values())
