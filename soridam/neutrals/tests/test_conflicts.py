"""The conflict graph, one rule at a time: each test fails when its rule is removed from ``conflicts``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from soridam.accounts.models import Role
from soridam.cases.models import Case
from soridam.neutrals.conflicts import ConflictKind, conflicts, eligible_ids
from soridam.neutrals.models import Party, Tie, TieKind
from soridam.neutrals.tests.factories import handled, make_dispute, make_neutral, make_shop, make_user, order
from soridam.odr.models import Dispute, DisputeState


@pytest.fixture
def dispute(make_case: Callable[..., Case], settings: Any) -> Dispute:
    settings.SORIDAM_ODR_MARKETPLACE = True
    return make_dispute(make_case(email="claimant@example.kr"), make_shop("merchant"))


def kinds(neutral: Any, dispute: Dispute, at: Any = None) -> set[tuple[str, str]]:
    return {(c.kind, c.party) for c in conflicts(neutral, dispute, at)}


def test_a_neutral_without_ties_has_no_conflict(dispute: Dispute) -> None:
    assert conflicts(make_neutral(), dispute) == []


def test_declared_family_tie_with_the_claimant_conflicts(dispute: Dispute) -> None:
    neutral = make_neutral()
    Tie.objects.create(neutral=neutral, kind=TieKind.FAMILY, customer=dispute.claimant)
    assert kinds(neutral, dispute) == {(ConflictKind.FAMILY, Party.CLAIMANT)}


def test_financial_tie_with_the_shop_conflicts_but_not_with_another_shop_in_a_marketplace(dispute: Dispute) -> None:
    neutral, other = make_neutral(), make_neutral()
    Tie.objects.create(neutral=neutral, kind=TieKind.FINANCIAL, shop=dispute.shop)
    Tie.objects.create(neutral=other, kind=TieKind.FINANCIAL, shop=make_shop("elsewhere"))
    assert kinds(neutral, dispute) == {(ConflictKind.FINANCIAL, Party.RESPONDENT)}
    assert conflicts(other, dispute) == []


def test_any_shop_is_the_respondent_when_the_business_is(dispute: Dispute, settings: Any) -> None:
    settings.SORIDAM_ODR_MARKETPLACE = False
    neutral = make_neutral()
    Tie.objects.create(neutral=neutral, kind=TieKind.EMPLOYMENT, shop=make_shop("elsewhere"))
    assert kinds(neutral, dispute) == {(ConflictKind.EMPLOYMENT, Party.RESPONDENT)}


def test_staff_are_employed_by_a_business_respondent_only(dispute: Dispute, settings: Any) -> None:
    neutral = make_neutral(staff=True)
    assert conflicts(neutral, dispute) == []  # marketplace: the shop is the respondent
    settings.SORIDAM_ODR_MARKETPLACE = False
    assert kinds(neutral, dispute) == {(ConflictKind.EMPLOYMENT, Party.RESPONDENT)}


def test_a_tie_with_a_staff_member_reaches_a_business_respondent(dispute: Dispute, settings: Any) -> None:
    settings.SORIDAM_ODR_MARKETPLACE = False
    neutral = make_neutral()
    Tie.objects.create(neutral=neutral, kind=TieKind.FAMILY, user=make_user(Role.AGENT, "agent"))
    assert kinds(neutral, dispute) == {(ConflictKind.FAMILY, Party.RESPONDENT)}


def test_a_tie_with_the_claimants_own_account_conflicts(dispute: Dispute) -> None:
    account = make_user(Role.CUSTOMER, "claimant")
    dispute.claimant.user = account
    dispute.claimant.save(update_fields=["user"])
    neutral = make_neutral()
    Tie.objects.create(neutral=neutral, kind=TieKind.FINANCIAL, user=account)
    assert kinds(neutral, dispute) == {(ConflictKind.FINANCIAL, Party.CLAIMANT)}


def test_a_tie_that_ended_more_than_three_years_ago_has_lapsed(dispute: Dispute) -> None:
    neutral = make_neutral()
    today = timezone.localdate()
    Tie.objects.create(neutral=neutral, kind=TieKind.EMPLOYMENT, shop=dispute.shop, ended_on=date(today.year - 4, 1, 1))
    assert conflicts(neutral, dispute) == []
    Tie.objects.create(
        neutral=neutral, kind=TieKind.EMPLOYMENT, shop=dispute.shop, ended_on=today - timedelta(days=400)
    )
    assert kinds(neutral, dispute) == {(ConflictKind.EMPLOYMENT, Party.RESPONDENT)}


def test_a_case_of_the_claimant_handled_within_three_years_conflicts(
    dispute: Dispute, make_case: Callable[..., Case]
) -> None:
    neutral = make_neutral()
    old_case = make_case(email="claimant@example.kr", subject="예전 문의")
    assert old_case.customer_id == dispute.claimant_id
    handled(neutral.user, old_case, timezone.now() - timedelta(days=4 * 365))
    assert conflicts(neutral, dispute) == []
    handled(neutral.user, old_case, timezone.now() - timedelta(days=2 * 365))
    assert kinds(neutral, dispute) == {(ConflictKind.CASE, Party.CLAIMANT)}


def test_being_assigned_a_case_of_the_claimant_counts_as_handling_it(dispute: Dispute) -> None:
    neutral = make_neutral()
    Case.objects.filter(pk=dispute.case_id).update(assignee=neutral.user)
    assert (ConflictKind.CASE, Party.CLAIMANT) in kinds(neutral, dispute)


def test_a_case_of_another_customer_on_the_shops_order_conflicts_with_the_respondent(
    dispute: Dispute, make_case: Callable[..., Case]
) -> None:
    from soridam.orders.models import CaseOrder

    neutral = make_neutral()
    other_case = make_case(email="someone@example.kr")
    handled(neutral.user, other_case)
    assert conflicts(neutral, dispute) == []  # another customer, no link to the shop
    assert dispute.shop is not None
    CaseOrder.objects.create(case=other_case, order=order(dispute.shop))
    assert kinds(neutral, dispute) == {(ConflictKind.CASE, Party.RESPONDENT)}


def test_orders_the_neutral_placed_with_the_shop_within_three_years_conflict(dispute: Dispute) -> None:
    neutral = make_neutral()
    assert dispute.shop is not None
    order(dispute.shop, buyer=neutral.user, at=timezone.now() - timedelta(days=5 * 365))
    order(make_shop("elsewhere"), buyer=neutral.user)
    assert conflicts(neutral, dispute) == []
    order(dispute.shop, buyer=neutral.user, at=timezone.now() - timedelta(days=30))
    assert kinds(neutral, dispute) == {(ConflictKind.TRANSACTION, Party.RESPONDENT)}


def test_the_claimant_cannot_mediate_their_own_dispute(dispute: Dispute) -> None:
    neutral = make_neutral()
    dispute.claimant.user = neutral.user
    dispute.claimant.save(update_fields=["user"])
    assert (ConflictKind.PARTY, Party.CLAIMANT) in kinds(neutral, dispute)


def test_eligible_leaves_out_inactive_away_full_and_conflicted_neutrals(dispute: Dispute) -> None:
    free = make_neutral()
    make_neutral(active=False)
    make_neutral(unavailable_until=timezone.localdate() + timedelta(days=3))
    make_neutral(max_open_cases=0)
    tied = make_neutral()
    Tie.objects.create(neutral=tied, kind=TieKind.OTHER, customer=dispute.claimant)
    back = make_neutral(unavailable_until=timezone.localdate() - timedelta(days=1))
    assert eligible_ids(dispute, timezone.now()) == sorted([free.pk, back.pk])


def test_an_open_mediation_takes_a_place_until_its_dispute_ends(
    dispute: Dispute, make_case: Callable[..., Case]
) -> None:
    from soridam.neutrals.models import Draw, DrawState

    neutral = make_neutral(max_open_cases=1)
    other = make_dispute(make_case(email="other@example.kr"), dispute.shop)
    Draw.objects.create(dispute=other, number=1, seed="s", neutral=neutral, state=DrawState.APPOINTED)
    assert eligible_ids(dispute, timezone.now()) == []
    Dispute.objects.filter(pk=other.pk).update(state=DisputeState.SETTLED)
    assert eligible_ids(dispute, timezone.now()) == [neutral.pk]
