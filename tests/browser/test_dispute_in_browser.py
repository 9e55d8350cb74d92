"""A whole dispute in three browsers (issue 18): the customer files from the tracking page, two blind-bidding
rounds fail and no bid is revealed, mediation carries a caucus message the merchant never sees, the neutral's
recommendation is accepted by both, and the merchant marks the refund met. The timeline and the case file show
every step. Screenshots land in var/screenshots/."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.utils import timezone

from soridam.accounts.models import Role as StaffRole
from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases.models import Case
from soridam.odr import actions
from soridam.odr.models import Bid, Dispute, DisputeState, MerchantMember
from soridam.orders.models import Order, Shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(django_settings.BASE_DIR) / "var" / "screenshots"
CAUCUS = "CAUCUS-ONLY-FOR-THE-NEUTRAL-4d2c"
BIDS = {"customer": ("150000", "140000"), "merchant": ("20000", "30000")}


def _sign_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/workspace/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"pw-{username}")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def _user(username: str) -> User:
    return User.objects.create_user(
        username=username, password=f"pw-{username}", role=StaffRole.AGENT, email=f"{username}@odr.test"
    )


def _click(page: Any, selector: str) -> None:
    page.locator(selector).first.click()
    page.wait_for_load_state()


def _bid(pages: dict[str, Any], round_index: int) -> None:
    pages["customer"].reload()
    _click(pages["customer"], "#open-round")
    for name in ("customer", "merchant"):
        pages[name].reload()
        if round_index == 0:  # the rule is accepted once; later rounds run under the same accepted rule
            _click(pages[name], "#accept-rule")
        assert pages[name].locator("#bidding-rule").is_visible()
    # The customer seals in the browser (commit.js: the server gets only the commitment, the amount and nonce
    # stay in the browser until the reveal form is filled from them); the merchant uses the server-sealed path.
    customer, merchant = pages["customer"], pages["merchant"]
    customer.reload()
    customer.fill("#commit-form input[data-local-amount]", BIDS["customer"][round_index])
    _click(customer, "#commit-form button[type=submit]")
    merchant.reload()
    merchant.fill("#seal-form input[name=amount]", BIDS["merchant"][round_index])
    _click(merchant, "#seal-form button[type=submit]")
    sealed = Bid.objects.get(round__number=round_index + 1, role="claimant")
    assert len(sealed.commitment) == 64
    assert sealed.amount is None
    assert not sealed.server_sealed
    customer.reload()
    assert customer.input_value("#reveal-form input[name=amount]") == BIDS["customer"][round_index]
    _click(customer, "#reveal-form button[type=submit]")
    merchant.reload()
    _click(merchant, "#reveal-sealed")


def test_a_whole_dispute_in_three_browsers(
    browser_page: Any, live_server: Any, make_case: Callable[..., Case], teams: Any
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    shop = Shop.objects.create(provider="cafe24", name="Chair shop", slug="chairs", base_url="https://chairs.test")
    case = make_case(subject="의자가 부서져 왔어요", order_number="20261201-0000099")
    Order.objects.create(
        shop=shop,
        external_id="99",
        number="20261201-0000099",
        status="delivered",
        total=Decimal(150_000),
        placed_at=timezone.now(),
    )
    merchant_user, neutral_user = _user("mo"), _user("nora")
    MerchantMember.objects.create(user=merchant_user, shop=shop)
    merchant_user.user_permissions.add(Permission.objects.get(codename="respond_dispute"))

    customer = browser_page
    customer.goto(f"{base}/track/{case.tracking_token}/")
    _click(customer, "#open-dispute")
    assert customer.locator("#statutory-routes").is_visible()
    customer.fill("textarea[name=issues]", "다리가 부러져 왔어요")
    customer.select_option("select[name=desired_outcome]", "refund")
    customer.fill("input[name=desired_amount]", "80000")
    _click(customer, "#filing-form button[type=submit]")
    dispute = Dispute.objects.get()
    assert dispute.shop == shop
    customer.wait_for_url(f"**/odr/t/{case.tracking_token}/{dispute.pk}/")

    browsers = {}
    for name, user in (("merchant", merchant_user), ("neutral", neutral_user)):
        context = customer.context.browser.new_context(locale="ko-KR")
        browsers[name] = context.new_page()
        _sign_in(browsers[name], base, user.username)
    merchant, neutral = browsers["merchant"], browsers["neutral"]
    merchant.goto(f"{base}/odr/{dispute.pk}/")
    merchant.fill("#answer-form textarea[name=body]", "배송 전 검수 사진이 있습니다.")
    _click(merchant, "#answer-form button[type=submit]")

    pages = {"customer": customer, "merchant": merchant}
    _bid(pages, 0)
    _bid(pages, 1)
    dispute.refresh_from_db()
    assert list(dispute.rounds.values_list("state", flat=True)) == ["failed", "failed"]
    for page in pages.values():
        page.reload()
        text = page.content()
        assert not any(amount in text for amounts in BIDS.values() for amount in amounts)  # no bid revealed
    customer.screenshot(path=str(SHOTS / "dispute-bidding-failed.png"), full_page=True)

    for name in ("customer", "merchant"):
        pages[name].reload()
        _click(pages[name], "#ask-mediation")
    customer.reload()
    _click(customer, "#start-mediation")
    actions.assign_neutral(Dispute.objects.get(pk=dispute.pk), neutral_user, actor=Actor(system="draw"))
    customer.reload()
    customer.fill("#post-form textarea[name=body]", CAUCUS)
    customer.select_option("#post-form select[name=visibility]", "caucus_claimant")
    _click(customer, "#post-form button[type=submit]")
    neutral.goto(f"{base}/odr/{dispute.pk}/")
    assert CAUCUS in neutral.content()
    merchant.reload()
    assert CAUCUS not in merchant.content()

    answer = dispute.items.get(author_role="respondent")
    assert answer.comment_due_at is not None
    with time_machine.travel(answer.comment_due_at + timedelta(minutes=5), tick=True):  # the window elapsed
        # Days later: the staff sessions have been signed out for idleness (30 minutes), so both sign in again.
        for page, user in ((neutral, neutral_user), (merchant, merchant_user)):
            _sign_in(page, base, user.username)
            page.goto(f"{base}/odr/{dispute.pk}/")
        neutral.fill(
            "#recommend-form textarea[name=reasons]", "검수 사진으로는 파손 시점을 알 수 없어 절반을 권고합니다."
        )
        neutral.select_option("#recommend-form select[name=remedy]", "refund")
        neutral.fill("#recommend-form input[name=amount]", "75000")
        _click(neutral, "#recommend-form button[type=submit]")
        for name in ("customer", "merchant"):
            pages[name].reload()
            _click(pages[name], "#accept-recommendation")
        dispute.refresh_from_db()
        assert dispute.state == DisputeState.COMPLIANCE
        merchant.reload()
        merchant.fill("#obligations input[name=evidence]", "계좌 이체 8812")
        _click(merchant, "#obligations form button")
    dispute.refresh_from_db()
    assert dispute.state == DisputeState.SETTLED
    assert dispute.obligations.get().amount == 75_000

    customer.reload()
    kinds = customer.locator("#dispute-timeline li").evaluate_all("items => items.map(i => i.dataset.kind)")
    for kind in ("filed", "round_failed", "neutral_appointed", "decided", "recommendation_answered", "obligation_met"):
        assert kind in kinds
    customer.screenshot(path=str(SHOTS / "dispute-settled.png"), full_page=True)
    _click(customer, "#export-html")
    exported = customer.locator("#case-file-events li").evaluate_all("items => items.map(i => i.dataset.kind)")
    assert exported == kinds  # the case file has every event the timeline has
    assert "obligation_met" in exported
