"""Who placed an order, among our customers: the one small lookup ``orders.sync`` calls (R-CRM-1, R-CRM-4).

Orders only ever link to a customer we already know; an order never creates one. The shop's own customer id
is the surest key (an identity the customer record holds for this shop), then the buyer's e-mail address,
then their canonical phone number, each as an identity first and as the customer's own field second.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.db.models.functions import Upper

from soridam.channels.kinds import Channel
from soridam.customers.models import Customer, Identity
from soridam.customers.phones import canonical_phone
from soridam.orders.models import Order, Shop

# The identity a customer holds for a shop account: channel "shop", external id "<shop slug>:<customer id>".
SHOP_IDENTITY = "shop"


def shop_identity(shop: Shop, shop_customer_id: str) -> str:
    return f"{shop.slug}:{shop_customer_id}"


def customer_for_buyer(shop: Shop, *, shop_customer_id: str = "", email: str = "", phone: str = "") -> Customer | None:
    """The known customer behind an order's buyer, or None."""
    keys = _identity_keys(shop, shop_customer_id, email, phone)
    if keys:
        found = {
            (identity.channel, identity.external_id): identity.customer
            for identity in Identity.objects.filter(_any_of(keys)).select_related("customer")
        }
        for key in keys:
            if key in found:
                return found[key]
    return _by_customer_fields(email, phone)


def claim_orders_for(customer: Customer) -> int:
    """Link the stored orders nobody claimed yet whose buyer has this customer's e-mail or phone."""
    match = Q()
    if customer.email:
        match |= Q(buyer_email__iexact=customer.email)
    if customer.phone:
        match |= Q(buyer_phone=customer.phone)
    if not match:
        return 0
    return Order.objects.filter(match, customer__isnull=True).update(customer=customer)


def claim_orders_for_many(customers: Iterable[Customer]) -> int:
    """``claim_orders_for`` for a batch of new cases' customers (``tasks.link_cases_orders``): one read of the
    unclaimed orders any of them bought, then one UPDATE per customer who has some, in the given order (an
    order two of them match goes to the first, as one call per customer in turn would do). Nearly every batch
    finds none: one statement instead of one a case."""
    people = list({customer.pk: customer for customer in customers}.values())
    emails = {customer.email.upper() for customer in people if customer.email}
    phones = {customer.phone for customer in people if customer.phone}
    if not emails and not phones:
        return 0
    unclaimed = Order.objects.filter(customer__isnull=True).annotate(email_key=Upper("buyer_email"))
    found = list(
        unclaimed.filter(Q(email_key__in=emails) | Q(buyer_phone__in=phones)).values_list(
            "pk", "email_key", "buyer_phone"
        )
    )
    claimed, taken = 0, set[int]()
    for customer in people:
        email = customer.email.upper() if customer.email else None
        mine = [
            pk for pk, key, phone in found if pk not in taken and (key == email or (phone and phone == customer.phone))
        ]
        if mine:
            taken.update(mine)
            claimed += Order.objects.filter(pk__in=mine, customer__isnull=True).update(customer=customer)
    return claimed


def _identity_keys(shop: Shop, shop_customer_id: str, email: str, phone: str) -> list[tuple[str, str]]:
    keys = []
    if shop_customer_id:
        keys.append((SHOP_IDENTITY, shop_identity(shop, shop_customer_id)))
    if email.strip():
        keys.append((Channel.EMAIL.value, email.strip().lower()))
    if canonical := canonical_phone(phone):
        keys.append((Channel.SMS.value, canonical))
    return keys


def _any_of(keys: list[tuple[str, str]]) -> Q:
    match = Q()
    for channel, external_id in keys:
        match |= Q(**Identity.match(channel, external_id))
    return match


def _by_customer_fields(email: str, phone: str) -> Customer | None:
    if email.strip():
        by_email = Customer.objects.filter(email__iexact=email.strip()).order_by("pk").first()
        if by_email is not None:
            return by_email
    canonical = canonical_phone(phone)
    return Customer.objects.filter(phone=canonical).order_by("pk").first() if canonical else None
