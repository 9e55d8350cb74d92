"""A refund above the agent's limit, end to end in Debian's chromium (issue 16): the agent sees the order and the
repeat-contact flag in the customer 360 panel, offers 150,000 KRW back, the lead approves it from the queue in a
second browser, the local fake Cafe24 gets exactly one claim, the timeline shows every step and the customer is
told. Screenshots land in var/screenshots/."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases import order_actions
from soridam.cases.models import Case, EventKind
from soridam.notifications.models import NotificationKind, OutboundMessage
from soridam.orders import sync
from soridam.orders.cafe24.tests.conftest import connected_shop
from soridam.orders.cafe24.tests.fake import FakeCafe24, order_payload
from soridam.orders.models import Order
from soridam.orders.providers import provider_for
from soridam.policy import rules
from soridam.policy.models import RemedyKind, RemedyState, Rule, RuleAllowance, RuleSet
from tests.browser.htmx import wait_until_wired

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(django_settings.BASE_DIR) / "var" / "screenshots"
ORDER_NUMBER = "20261201-0000077"
CLAIM_PATHS = ("/api/v2/admin/cancellation", "/api/v2/admin/return")


@pytest.fixture
def cafe24() -> Iterator[FakeCafe24]:
    with FakeCafe24() as fake:
        yield fake


@pytest.fixture
def delivery_refunds(root: User) -> RuleSet:
    """The active rules: a delivery problem may be refunded, fully or in part, up to the order's value."""
    rule_set = RuleSet.objects.create(version=1, name="v1")
    rule = Rule.objects.create(rule_set=rule_set, code="delivery-refund", title="delivery-refund", category="delivery")
    for kind in (RemedyKind.FULL_REFUND, RemedyKind.PARTIAL_REFUND):
        RuleAllowance.objects.create(rule=rule, kind=kind)
    return rules.activate(rule_set, actor=Actor(user=root))


@pytest.fixture
def repeat_case(make_case: Callable[..., Case], cafe24: FakeCafe24, alice: User, lena: User) -> Case:
    """The third delivery case of one customer this month, linked to a delivered 153,000 KRW Cafe24 order."""
    User.objects.filter(pk__in=[alice.pk, lena.pk]).update(language="en")
    make_case(subject="배송 문의 1")
    make_case(subject="배송 문의 2")
    case = make_case(subject="셔츠가 찢어져 왔어요")
    cafe24.add_order(order_payload(ORDER_NUMBER, status="N40", email="kim@example.kr", prices=(150_000,)))
    shop = connected_shop(cafe24)
    fetched = provider_for(shop).fetch_order(ORDER_NUMBER)
    assert fetched is not None
    order = sync.store_order(shop, fetched)
    assert order.customer_id == case.customer_id
    order_actions.link_order(case, order, actor=Actor(user=alice))
    return case


def _sign_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/workspace/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"pw-{username}")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base_url}/workspace/")


def _claims_for(cafe24: FakeCafe24, order_number: str) -> list[Any]:
    """Every refund-like call (cancellation or return) the fake received about the order."""
    calls = [request for path in CLAIM_PATHS for request in cafe24.to(path)]
    return [call for call in calls if any(item["order_id"] == order_number for item in call.json()["requests"])]


def test_agent_offers_a_refund_over_the_limit_and_the_lead_approves_it_once(
    browser_page: Any,
    live_server: Any,
    cafe24: FakeCafe24,
    repeat_case: Case,
    delivery_refunds: RuleSet,
    lena: User,
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": 1400, "height": 1000})
    case_url = f"{base}/workspace/cases/{repeat_case.pk}/"
    _sign_in(page, base, "alice")
    page.goto(case_url)

    panel = page.locator("#customer-panel")
    assert "Repeat contact" in panel.locator(".repeat-contact").inner_text()
    assert ORDER_NUMBER in panel.locator(".customer-orders .order-number").first.inner_text()

    _agent_offers(page, "150000")
    page.screenshot(path=str(SHOTS / "remedy-waiting-for-approval.png"), full_page=True)
    assert _claims_for(cafe24, ORDER_NUMBER) == []  # nothing reaches the shop before the approval

    _lead_approves(page, base, repeat_case, lena)
    assert len(_claims_for(cafe24, ORDER_NUMBER)) == 1
    assert len(cafe24.claims) == 1

    page.goto(case_url)
    page.locator(".remedy-executed").wait_for()
    timeline = page.locator(".timeline").inner_text()
    for step in ("Remedy offered", "Remedy approval requested", "Remedy approved", "Remedy carried out"):
        assert step in timeline
    assert "Looks right" in timeline
    page.screenshot(path=str(SHOTS / "remedy-carried-out.png"), full_page=True)

    kinds = list(repeat_case.events.values_list("kind", flat=True))
    done = [EventKind.REMEDY_REQUESTED, EventKind.REMEDY_APPROVAL_REQUESTED]
    done += [EventKind.REMEDY_APPROVED, EventKind.REMEDY_EXECUTED]
    assert [kind for kind in kinds if kind in done] == done
    notices = OutboundMessage.objects.filter(case=repeat_case, kind=NotificationKind.REMEDY_EXECUTED)
    assert notices.count() == 1
    assert notices.get().recipient == "kim@example.kr"
    remedy = Order.objects.get(number=ORDER_NUMBER).remedies.get()
    assert (remedy.state, remedy.amount, remedy.decided_by) == (RemedyState.EXECUTED, Decimal(150_000), lena)


def _agent_offers(page: Any, amount: str) -> None:
    """Offer a partial refund in the htmx-loaded Remedies section; the answer shows it waiting for approval."""
    section = page.locator("#remedy-section")
    section.wait_for()
    assert "100,000 KRW" in section.inner_text()  # the agent's refund limit, shown before offering
    wait_until_wired(page, "#id_remedy-kind")
    page.select_option("#id_remedy-kind", RemedyKind.PARTIAL_REFUND)
    page.fill("#id_remedy-amount", amount)
    page.fill("#id_remedy-reason", "상품 파손: 찢어진 셔츠")
    page.click("#remedy-send")
    waiting = page.locator(".remedy-pending_approval")
    waiting.wait_for()
    assert "Waiting for approval" in waiting.inner_text()
    assert "150,000 KRW" in waiting.inner_text()


def _lead_approves(page: Any, base: str, case: Case, lead: User) -> None:
    """The lead, in a browser of their own, approves from the queue with a comment."""
    context = page.context.browser.new_context(locale="ko-KR")
    try:
        lead_page = context.new_page()
        lead_page.set_default_timeout(15_000)
        lead_page.set_viewport_size({"width": 1400, "height": 1000})
        _sign_in(lead_page, base, lead.username)
        lead_page.goto(f"{base}/workspace/approvals/")
        row = lead_page.locator(f"#approval-{case.remedies.get().pk}")
        assert case.reference in row.inner_text()
        assert "150,000 KRW" in row.inner_text()
        lead_page.screenshot(path=str(SHOTS / "remedy-approval-queue.png"), full_page=True)
        row.locator("input[name=comment]").fill("Looks right")
        row.get_by_role("button", name="Approve").click()
        lead_page.get_by_text("Nothing waits for your approval.").wait_for()
    finally:
        context.close()
