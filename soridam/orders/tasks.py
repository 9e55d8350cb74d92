"""Order jobs: the scheduled sync of every shop (``sla/periodic.py``), an admin's "sync now", and linking
the orders a new case mentions (enqueued by triage once the case is stored, so intake never waits on a shop
and an outage never fails a case). Each reloads state by id and is safe to run twice."""

from __future__ import annotations

import re

from django.db import transaction
from django_tasks import task

from soridam.audit.actors import SYSTEM
from soridam.cases.models import Case, Message, MessageKind
from soridam.cases.order_actions import link_order
from soridam.lib import jobs
from soridam.orders import sync
from soridam.orders.buyers import claim_orders_for
from soridam.orders.models import Shop
from soridam.orders.providers import ProviderError

# Order numbers as customers write them: Cafe24's "20261201-0000012", and the marketplaces' "AB12345678".
ORDER_NUMBER_IN_TEXT = re.compile(r"\b(?:\d{8}-\d{7}|[A-Z]{2}\d{8,})\b")
MAX_NUMBERS_PER_CASE = 3


@task(priority=jobs.BACKGROUND)
def sync_shops() -> dict[str, int | None]:
    return sync.sync_all_shops()


@task(priority=jobs.BACKGROUND)
def sync_shop_now(shop_id: int) -> int | None:
    shop = Shop.objects.filter(pk=shop_id, active=True).first()
    if shop is None:
        return None
    try:
        return sync.sync_shop(shop)
    except ProviderError:
        return None  # the shop now shows it is unavailable, and why


@task(priority=jobs.CASE_FLOW)
def link_case_orders(case_id: int) -> list[str]:
    """Link the case to the orders it names (its order number, then numbers in the customer's first
    message) and to the stored orders of its customer; the numbers linked."""
    case = Case.objects.select_related("customer").filter(pk=case_id).first()
    if case is None:
        return []
    claim_orders_for(case.customer)
    linked = []
    for number in order_numbers_of(case):
        order = sync.find_order(number)
        if order is None:
            continue
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case_id)
            if link_order(locked, order, actor=SYSTEM) is not None:
                linked.append(order.number)
    return linked


def order_numbers_of(case: Case) -> list[str]:
    first = Message.objects.filter(case=case, kind=MessageKind.CUSTOMER).order_by("pk").values_list("body", flat=True)
    text = first.first() or ""
    numbers = [case.order_number.strip(), *ORDER_NUMBER_IN_TEXT.findall(text)]
    return list(dict.fromkeys(number for number in numbers if number))[:MAX_NUMBERS_PER_CASE]
