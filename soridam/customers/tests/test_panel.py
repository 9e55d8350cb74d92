"""The 360 panel on the case page (loaded after it, ``/customer/``) and the customer page (R-CRM-3)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from soridam.accounts.models import User
from soridam.cases.models import Case
from soridam.customers import actions
from soridam.customers.models import Customer, Identity, Tier
from soridam.orders.models import Order, OrderStatus, Shop

pytestmark = pytest.mark.django_db


def _panel(html: str) -> str:
    found = re.search(r'<section aria-labelledby="customer-panel-title".*?</section>', html, re.S)
    assert found is not None
    return found.group(0)


def test_the_case_page_shows_orders_newest_first_with_status_total_items_and_tracking(
    alice: User, english_alice: Client, make_case: Callable[..., Case], make_order: Callable[..., Order]
) -> None:
    case = make_case()
    make_order(case.customer, "20261101-0000001", days_ago=40, status=OrderStatus.DELIVERED)
    make_order(case.customer, "20261201-0000002", days_ago=2)
    panel = _panel(english_alice.get(f"/workspace/cases/{case.pk}/customer/").content.decode())
    assert panel.index("20261201-0000002") < panel.index("20261101-0000001")
    assert "Shipped" in panel
    assert "Delivered" in panel
    assert "39,000 KRW" in panel
    assert "린넨 셔츠 × 1" in panel
    assert '<a href="https://trace.example/6512345678" rel="noopener noreferrer" target="_blank">' in panel
    assert "unavailable" not in panel


def test_an_unavailable_shop_shows_when_it_last_synced_and_the_stored_orders_stay(
    english_alice: Client, make_case: Callable[..., Case], make_order: Callable[..., Order], shop: Shop
) -> None:
    case = make_case()
    make_order(case.customer, "20261201-0000002")
    synced = timezone.localtime(timezone.now() - timedelta(hours=3))
    Shop.objects.filter(pk=shop.pk).update(unavailable_since=timezone.now(), last_synced_at=synced)
    response = english_alice.get(f"/workspace/cases/{case.pk}/customer/")
    assert response.status_code == 200
    panel = _panel(response.content.decode())
    assert f"데모 샵: unavailable, last synced at {synced:%Y-%m-%d %H:%M}." in panel
    assert "20261201-0000002" in panel


def test_the_panel_reads_in_korean(alice_client: Client, make_case: Callable[..., Case], shop: Shop) -> None:
    case = make_case()
    make_case("또 배송 문의")
    make_case("세 번째 배송 문의")
    Shop.objects.filter(pk=shop.pk).update(unavailable_since=timezone.now())
    panel = _panel(alice_client.get(f"/workspace/cases/{case.pk}/customer/").content.decode())
    assert "재문의 고객" in panel
    assert "주문 내역이 없습니다." in panel


def test_the_repeat_contact_flag_identities_tags_tier_notes_and_ratings_are_shown(
    alice: User, english_alice: Client, make_case: Callable[..., Case]
) -> None:
    first = make_case("첫 문의")
    make_case("두 번째")
    case = make_case("세 번째")
    Customer.objects.filter(pk=case.customer_id).update(tier=Tier.VIP, phone="01012345678")
    Identity.objects.create(customer=case.customer, channel="sms", external_id="01012345678")
    Identity.objects.create(customer=case.customer, channel="line", external_id="U1234567890", verified=True)
    actions.add_note(case.customer, "주말에는 연락 불가", author_id=alice.pk)
    first.tags.create(name="파손")
    _answer(first, 2)
    panel = _panel(english_alice.get(f"/workspace/cases/{case.pk}/customer/").content.decode())
    assert '<p class="repeat-contact" role="alert"><strong>Repeat contact</strong>:' in panel
    assert "3 cases about Delivery in the last 30 days." in panel
    assert "<strong>VIP</strong>" in panel
    assert "+8210****5678" in panel  # E.164, masked for an agent
    assert "01012345678" not in panel
    assert 'LINE: U1234567890 <span class="badge verified">verified</span>' in panel
    assert "<li>파손</li>" in panel
    assert "주말에는 연락 불가" in panel
    assert '<td class="case-rating">2 out of 5</td>' in panel


def _answer(case: Case, rating: int) -> None:
    from soridam.followup.models import Survey

    now = timezone.now()
    Survey.objects.create(case=case, expires_at=now + timedelta(days=7), rating=rating, answered_at=now)


def test_the_customer_page_takes_a_note_and_refuses_an_empty_one(
    alice_client: Client, make_case: Callable[..., Case]
) -> None:
    customer = make_case().customer
    assert alice_client.post(f"/workspace/customers/{customer.pk}/notes/", {"body": "  "}).status_code == 400
    assert alice_client.post(f"/workspace/customers/{customer.pk}/notes/", {"body": "VIP 응대"}).status_code == 302
    assert list(customer.notes.values_list("body", flat=True)) == ["VIP 응대"]
    assert "VIP 응대" in alice_client.get(f"/workspace/customers/{customer.pk}/").content.decode()


def test_another_teams_customer_page_is_404(bob_client: Client, make_case: Callable[..., Case]) -> None:
    customer = make_case().customer  # a delivery case: bob works in payments
    assert bob_client.get(f"/workspace/customers/{customer.pk}/").status_code == 404
    assert bob_client.post(f"/workspace/customers/{customer.pk}/notes/", {"body": "x"}).status_code == 404
    assert not customer.notes.exists()
