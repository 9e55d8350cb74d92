"""The churn-risk flag (R-FOLLOW-5): low scores and disputes flag the customer on the 360 panel, which
proposes a retention remedy through the policy engine and carries nothing out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import Client

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases.models import Case
from soridam.followup.churn import churn_risk, retention_offer
from soridam.followup.models import NpsSurvey, Survey
from soridam.policy import proposals, rules
from soridam.policy.models import AuthorityLimit, Remedy, Rule, RuleAllowance, RuleSet

pytestmark = pytest.mark.django_db


def test_two_low_scores_flag_the_customer_on_the_360_panel_and_nothing_is_carried_out(
    alice_client: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    now = datetime.now(UTC)
    assert not churn_risk(case.customer_id).flagged
    Survey.objects.create(case=case, expires_at=now, rating=1, answered_at=now)
    assert churn_risk(case.customer_id).points == 1
    page = alice_client.get(f"/workspace/cases/{case.pk}/customer/").content.decode()
    assert 'id="churn-risk"' not in page
    NpsSurvey.objects.create(customer=case.customer, expires_at=now, score=3, answered_at=now)
    risk = churn_risk(case.customer_id)
    assert (risk.low_scores, risk.flagged) == (2, True)
    page = alice_client.get(f"/workspace/cases/{case.pk}/customer/").content.decode()
    assert 'id="churn-risk"' in page
    assert "낮은 평가 2건, 분쟁 0건" in page
    assert not Remedy.objects.exists()  # proposed, never executed


def test_high_scores_do_not_flag(make_case: Callable[..., Case]) -> None:
    case = make_case()
    now = datetime.now(UTC)
    Survey.objects.create(case=case, expires_at=now, rating=5, answered_at=now)
    NpsSurvey.objects.create(customer=case.customer, expires_at=now, score=10, answered_at=now)
    assert churn_risk(case.customer_id).points == 0


def test_a_flagged_customer_gets_the_retention_remedy_the_active_policy_allows(
    alice_client: Client, make_case: Callable[..., Case], root: User
) -> None:
    case = make_case()
    assert retention_offer(case) is None  # no active rule set: nothing to propose
    rule_set = RuleSet.objects.create(version=1, name="v1")
    rule = Rule.objects.create(rule_set=rule_set, code="voucher-any", title="voucher")
    RuleAllowance.objects.create(rule=rule, kind="voucher", cap_amount=Decimal(50_000))
    rules.activate(rule_set, actor=Actor(user=root))
    offer = retention_offer(case)
    assert offer is not None
    assert offer.kind == "voucher"
    assert offer.cap is not None
    assert offer.cap <= Decimal(50_000)  # also capped by an agent's authority limit
    now = datetime.now(UTC)
    Survey.objects.create(case=case, expires_at=now, rating=2, answered_at=now)
    NpsSurvey.objects.create(customer=case.customer, expires_at=now, score=5, answered_at=now)
    page = alice_client.get(f"/workspace/cases/{case.pk}/customer/").content.decode()
    assert '<strong id="retention-offer">쿠폰</strong>' in page
    assert not Remedy.objects.exists()


def test_the_proposal_follows_this_processs_rule_and_limit_changes_at_once_and_others_within_the_ttl(
    make_case: Callable[..., Case], root: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = make_case()
    rule_set = RuleSet.objects.create(version=1, name="v1")
    rule = Rule.objects.create(rule_set=rule_set, code="voucher-any", title="voucher")
    RuleAllowance.objects.create(rule=rule, kind="voucher", cap_amount=Decimal(50_000))
    rules.activate(rule_set, actor=Actor(user=root))
    offer = retention_offer(case)
    assert offer is not None
    assert offer.cap == Decimal(30_000)  # an agent's default voucher limit
    AuthorityLimit.objects.create(role="agent", group="voucher", max_amount=Decimal(20_000))  # saved here
    offer = retention_offer(case)
    assert offer is not None
    assert offer.cap == Decimal(20_000)
    # Another process's edit: no save in this one, so the copy holds until it is TTL_SECONDS old.
    AuthorityLimit.objects.filter(role="agent").update(max_amount=Decimal(10_000))
    RuleAllowance.objects.filter(rule=rule).delete()  # a queryset delete: no model delete() either
    offer = retention_offer(case)
    assert offer is not None
    assert offer.cap == Decimal(20_000)
    monkeypatch.setattr(proposals.POLICY, "ttl", 0.0)
    assert retention_offer(case) is None  # the rule allows nothing now
