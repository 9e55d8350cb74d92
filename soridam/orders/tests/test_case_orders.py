"""Order numbers in a case link the order to it: found by triage's follow-up job or typed by an agent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.db import transaction
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from soridam.audit.actors import SYSTEM
from soridam.audit.models import AuditEntry
from soridam.cases.models import Case, EventKind, TimelineEvent
from soridam.cases.order_actions import link_order
from soridam.orders.cafe24.tests.fake import FakeCafe24, order_payload
from soridam.orders.models import CaseOrder, Order, Shop
from soridam.orders.tasks import link_case_orders, link_cases_orders
from soridam.workspace.tests.budgets import CASE_PAGE_QUERIES

pytestmark = pytest.mark.django_db


def _linked(case: Case) -> list[str]:
    return list(CaseOrder.objects.filter(case=case).values_list("order__number", flat=True))


def test_a_new_case_with_an_order_number_is_linked_to_the_order_fetched_from_the_shop(
    cafe24: FakeCafe24, shop: Shop, make_case: Callable[..., Case]
) -> None:
    cafe24.add_order(order_payload(email="kim@example.kr"))
    case = make_case(order_number="20261201-0000012")
    assert _linked(case) == ["20261201-0000012"]
    order = Order.objects.get()
    assert order.customer == case.customer  # the buyer's e-mail is the customer's
    event = TimelineEvent.objects.get(case=case, kind=EventKind.ORDER_LINKED)
    assert event.to_value == "20261201-0000012"
    assert event.actor_kind == "system"
    assert AuditEntry.objects.filter(action="case.order_linked").count() == 1


def test_an_order_number_in_the_customers_message_links_too_and_twice_is_once(
    cafe24: FakeCafe24, shop: Shop, make_case: Callable[..., Case]
) -> None:
    cafe24.add_order(order_payload("20261203-0000044"))
    case = make_case(body="주문번호 20261203-0000044 상품이 파손되어 왔어요.")
    assert _linked(case) == ["20261203-0000044"]
    assert link_case_orders.call(case.pk) == []  # already linked: no second event
    assert TimelineEvent.objects.filter(case=case, kind=EventKind.ORDER_LINKED).count() == 1


def test_a_shop_outage_never_fails_the_case_and_shows_on_the_shop(
    cafe24: FakeCafe24, shop: Shop, make_case: Callable[..., Case]
) -> None:
    cafe24.script("/api/v2/admin/orders/20261201-0000012", (502, {}, b"Bad Gateway"))
    case = make_case(order_number="20261201-0000012")
    assert Case.objects.filter(pk=case.pk).exists()
    assert _linked(case) == []
    shop.refresh_from_db()
    assert not shop.available


def test_an_agent_links_and_unlinks_an_order_from_the_case_page(
    cafe24: FakeCafe24, shop: Shop, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    cafe24.add_order(order_payload("20261205-0000077"))
    answer = alice_client.post(f"/workspace/cases/{case.pk}/orders/link/", {"number": "20261205-0000077"})
    assert answer.status_code == 302
    assert _linked(case) == ["20261205-0000077"]
    page = alice_client.get(f"/workspace/cases/{case.pk}/").content.decode()
    # the header's order number too, though none was given at intake
    assert "<dd data-order-numbers>20261205-0000077</dd>" in page
    alice_client.post(f"/workspace/cases/{case.pk}/orders/unlink/", {"number": "20261205-0000077"})
    assert _linked(case) == []
    assert "<dd data-order-numbers>—</dd>" in alice_client.get(f"/workspace/cases/{case.pk}/").content.decode()
    kinds = list(TimelineEvent.objects.filter(case=case, kind__startswith="order_").values_list("kind", flat=True))
    assert kinds == [EventKind.ORDER_LINKED, EventKind.ORDER_UNLINKED]


def test_an_unknown_order_number_comes_back_with_the_error_and_links_nothing(
    shop: Shop, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    answer = alice_client.post(
        f"/workspace/cases/{case.pk}/orders/link/", {"number": "20261205-0000999"}, HTTP_HX_REQUEST="true"
    )
    assert answer.status_code == 409
    assert "20261205-0000999" in answer.content.decode()
    assert _linked(case) == []


def test_the_shop_state_snippet_says_when_the_shop_is_unavailable_and_when_it_last_synced(shop: Shop) -> None:
    template = "orders/_shop_state.html"
    assert "unavailable" not in render_to_string(template, {"shop": shop})
    when = datetime.fromisoformat("2026-12-07T12:30:00+09:00")
    Shop.objects.filter(pk=shop.pk).update(unavailable_since=when, last_synced_at=when)
    shop.refresh_from_db()
    with translation.override("en"):
        shown = render_to_string(template, {"shop": shop})
    assert "Linen &amp; Co is unavailable; last synced at 2026-12-07 12:30." in shown
    with translation.override("ko"):
        assert "마지막 동기화" in render_to_string(template, {"shop": shop})


def test_the_case_page_lists_linked_orders_without_a_query_of_its_own(
    shop: Shop, alice_client: Client, make_case: Callable[..., Case], django_assert_max_num_queries: Any
) -> None:
    case = make_case()
    order = Order.objects.create(
        shop=shop, external_id="1", number="20261201-0000001", status="delivered", total=1000, placed_at=case.created_at
    )
    with transaction.atomic():
        link_order(Case.objects.select_for_update().get(pk=case.pk), order, actor=SYSTEM)
    alice_client.get(f"/workspace/cases/{case.pk}/")  # the per-process copies (staff, macros, categories)
    with django_assert_max_num_queries(CASE_PAGE_QUERIES):
        page = alice_client.get(f"/workspace/cases/{case.pk}/").content.decode()
    assert 'name="number" value="20261201-0000001"' in page


def test_a_batch_of_cases_links_each_to_its_own_orders_and_claims_its_buyers_orders(
    make_case: Callable[..., Case], django_assert_max_num_queries: Any
) -> None:
    """The worker's batch of ``link_case_orders`` rows: every case gets the orders it names, none another's,
    the stored orders of each customer are claimed, and cases that name no order cost the batch a few
    statements in all, not a few each."""
    cases = [
        make_case(order_number="20261201-0000101", email="lee@example.kr"),
        make_case(body="주문번호 20261201-0000102 상품이 안 왔어요.", email="park@example.kr"),
        make_case(email="choi@example.kr"),  # names no order
        make_case(email="yoon@example.kr"),
        make_case(email="han@example.kr"),
    ]
    shop = Shop.objects.create(
        slug="linen", name="Linen", provider="cafe24", base_url="https://linen.example", options={"demo": True}
    )
    at = cases[0].created_at
    for number, buyer in (("20261201-0000101", ""), ("20261201-0000102", ""), ("20261201-0000103", "CHOI@example.kr")):
        Order.objects.create(
            shop=shop, external_id=number, number=number, status="paid", total=1, placed_at=at, buyer_email=buyer
        )
    assert link_cases_orders([case.pk for case in cases] + [cases[0].pk]) == 2
    assert [_linked(case) for case in cases] == [["20261201-0000101"], ["20261201-0000102"], [], [], []]
    assert Order.objects.get(number="20261201-0000103").customer == cases[2].customer
    assert link_cases_orders([case.pk for case in cases]) == 0  # a second run links nothing twice
    with django_assert_max_num_queries(4):  # cases, unclaimed orders, first messages, stored orders
        assert link_cases_orders([case.pk for case in cases[2:]]) == 0
