"""Order jobs: the scheduled sync of every shop (``sla/periodic.py``), an admin's "sync now", and linking
the orders a new case mentions (enqueued by triage once the case is stored, so intake never waits on a shop
and an outage never fails a case). Each reloads state by id and is safe to run twice."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.db import transaction
from django_tasks import task

from soridam.audit.actors import SYSTEM
from soridam.cases.models import Case, Message, MessageKind
from soridam.cases.order_actions import link_order
from soridam.lib import jobs
from soridam.orders import sync
from soridam.orders.buyers import claim_orders_for_many
from soridam.orders.models import Order, Shop
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
    return link_orders_of([case_id]).get(case_id, [])


@jobs.batch_of(link_case_orders)
def link_cases_orders(case_ids: Sequence[int]) -> int:
    """A batch of ``link_case_orders`` rows (one a new case wherever a shop is connected): one row claim and a
    handful of statements for the batch instead of about five a case. Returns how many orders were linked."""
    return sum(len(numbers) for numbers in link_orders_of(case_ids).values())


def link_orders_of(case_ids: Sequence[int]) -> dict[int, list[str]]:
    """``link_case_orders`` for many cases: their customers' orders claimed, their numbers read and looked up
    together; only a number no stored order has goes to the shops, one at a time. Each link is made under the
    case's lock, so a second run (or an agent's link) adds nothing twice."""
    cases = list(Case.objects.select_related("customer").filter(pk__in={int(pk) for pk in case_ids}).order_by("pk"))
    claim_orders_for_many(case.customer for case in cases)
    numbers = order_numbers_of(cases)
    orders = _find_orders({number for found in numbers.values() for number in found})
    linked: dict[int, list[str]] = {}
    for case in cases:
        linked[case.pk] = []
        for order in filter(None, (orders.get(number) for number in numbers[case.pk])):
            with transaction.atomic():
                locked = Case.objects.select_for_update().get(pk=case.pk)
                if link_order(locked, order, actor=SYSTEM) is not None:
                    linked[case.pk].append(order.number)
    return linked


def order_numbers_of(cases: Sequence[Case]) -> dict[int, list[str]]:
    """Each case's order number, then the numbers in its customer's first message (one query for all)."""
    first: dict[int, str] = {}
    rows = Message.objects.filter(case_id__in=[case.pk for case in cases], kind=MessageKind.CUSTOMER)
    for case_id, body in rows.order_by("-pk").values_list("case_id", "body"):
        first[case_id] = body  # the last one written wins: the earliest
    numbers: dict[int, list[str]] = {}
    for case in cases:
        found = [case.order_number.strip(), *ORDER_NUMBER_IN_TEXT.findall(first.get(case.pk, ""))]
        numbers[case.pk] = list(dict.fromkeys(number for number in found if number))[:MAX_NUMBERS_PER_CASE]
    return numbers


def _find_orders(numbers: set[str]) -> dict[str, Order]:
    """``sync.find_order`` for many numbers: the stored ones in one query, the rest asked of the shops (only
    when a shop can be asked: a demo shop never is)."""
    found: dict[str, Order] = {}
    for order in Order.objects.filter(number__in=numbers).order_by("-synced_at", "-pk"):
        found.setdefault(order.number, order)
    missing = sorted(numbers - found.keys())
    if missing and sync.syncable_shops():
        for number in missing:
            if (fetched := sync.find_order(number)) is not None:
                found[number] = fetched
    return found
