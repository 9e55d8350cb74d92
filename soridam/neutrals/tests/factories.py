"""Rows for the neutrals' tests: shops, disputes, neutrals, handled cases and orders."""

from __future__ import annotations

import itertools
from datetime import datetime

from django.utils import timezone

from soridam.accounts.models import Role, User
from soridam.cases.models import Case, Message, MessageKind
from soridam.customers.models import Customer
from soridam.neutrals.models import FeeBasis, Neutral
from soridam.odr.models import Dispute, DisputeState
from soridam.orders.models import Order, OrderStatus, Provider, Shop

_numbers = itertools.count(1)


def make_shop(name: str = "shop") -> Shop:
    slug = f"{name}-{next(_numbers)}"
    return Shop.objects.create(provider=Provider.CAFE24, name=name, slug=slug, base_url="http://127.0.0.1:9")


def make_user(role: str = Role.CUSTOMER, name: str = "user") -> User:
    username = f"{name}{next(_numbers)}"
    return User.objects.create_user(username=username, password="pw", role=role, email=f"{username}@example.test")


def make_neutral(*, staff: bool = False, **fields: object) -> Neutral:
    user = make_user(Role.AGENT if staff else Role.CUSTOMER, "neutral")
    values: dict[str, object] = {"fee_basis": FeeBasis.FLAT_PER_CASE, "fee_krw": 100_000, "languages": ["ko"]}
    values.update(fields)
    return Neutral.objects.create(user=user, **values)


def make_dispute(case: Case, shop: Shop | None, state: str = DisputeState.MEDIATION) -> Dispute:
    return Dispute.objects.create(case=case, claimant=case.customer, shop=shop, state=state)


def handled(user: User, case: Case, at: datetime | None = None) -> Message:
    """``user`` wrote an internal note on ``case`` (as staff handling it)."""
    return Message.objects.create(
        case=case, kind=MessageKind.NOTE, author_user=user, body="checked", created_at=at or timezone.now()
    )


def order(
    shop: Shop, *, buyer: User | None = None, customer: Customer | None = None, at: datetime | None = None
) -> Order:
    number = f"O-{next(_numbers)}"
    return Order.objects.create(
        shop=shop,
        customer=customer,
        external_id=number,
        number=number,
        status=OrderStatus.values[0],
        total=10_000,
        buyer_email=buyer.email if buyer else "",
        placed_at=at or timezone.now(),
    )
