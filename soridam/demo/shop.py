"""The demo's Cafe24 shop: orders for the demo customers, some linked to the demo cases that name them.

The orders are Cafe24 Admin API payloads (``orders.cafe24.samples``) passed through the real normaliser and
stored by ``orders.sync``, so the demo shows what a connected shop would. The shop is marked ``demo`` and
its address is under ``.invalid``: the periodic sync skips it, and nothing ever calls out. Seeding twice
updates the same rows (orders are upserted, links are made once).
"""

from __future__ import annotations

from django.db.models import Max, Q

from soridam.audit.actors import SYSTEM
from soridam.cases.models import Case
from soridam.cases.order_actions import link_order
from soridam.demo.backdating import Backdating
from soridam.orders.cafe24.normalise import normalise_order
from soridam.orders.cafe24.samples import order_payload
from soridam.orders.models import Provider, Shop
from soridam.orders.sync import store_order

DEMO_SHOP_SLUG = "demo-cafe24"
LINKED_CASES = 60  # enough to find on any page of the demo, few enough to seed in a blink
# (Cafe24 item status, line prices): delivered most often, as in a real shop's complaints.
_SHAPES: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("N40", (42000,)),
    ("N40", (129000,)),
    ("N30", (39000, 18000)),
    ("N40", (15900, 15900, 8900)),
    ("N20", (64000,)),
    ("R10", (89000,)),
    ("N40", (27500,)),
    ("N10", (150000,)),
)


def ensure_demo_shop() -> Shop:
    shop, _created = Shop.objects.get_or_create(
        slug=DEMO_SHOP_SLUG,
        defaults={
            "provider": Provider.CAFE24,
            "name": "소리담 리빙 (Cafe24 demo)",
            "base_url": "https://soridam-demo.cafe24api.invalid",
            "options": {"demo": True, "mall_id": "soridam-demo"},
        },
    )
    return shop


def seed_demo_orders(backdating: Backdating | None = None) -> int:
    """Store an order for each of the first demo cases that name one, and link it to the case. With
    ``backdating``, each link is dated when the case last changed in the story (not when the seed ran)."""
    shop = ensure_demo_shop()
    cases = (
        Case.objects.exclude(Q(order_number="") | Q(customer__email=""))
        .select_related("customer")
        .annotate(last_event_at=Max("events__created_at"))
        .order_by("pk")[:LINKED_CASES]
    )
    linked = 0
    for index, case in enumerate(cases):
        status, prices = _SHAPES[index % len(_SHAPES)]
        number = case.order_number
        placed = f"{number[:4]}-{number[4:6]}-{number[6:8]}T10:12:00+09:00" if number[:8].isdigit() else ""
        payload = order_payload(
            number,
            status=status,
            member_id=f"demo{case.customer_id}",
            email=case.customer.email,
            cellphone=case.customer.phone,
            prices=prices,
            **({"placed": placed} if placed else {}),
        )
        order = store_order(shop, normalise_order(payload))
        if backdating is not None:
            # After everything the story wrote on the case, so its timeline stays in order.
            backdating.mark(backdating.story_time(max(case.updated_at, case.last_event_at or case.updated_at)))
        if link_order(case, order, actor=SYSTEM) is not None:
            linked += 1
    return linked
