"""The demo seeds an active rule set, the limits, remedies for the report and a refund waiting for approval."""

from __future__ import annotations

import pytest
from django.test import Client

from soridam.accounts.models import User
from soridam.demo.seeding import seed_demo
from soridam.policy.models import AuthorityLimit, Remedy, RemedyState, RuleSet, RuleSetState

pytestmark = pytest.mark.django_db


def test_demo_has_active_rules_limits_and_a_refund_waiting_for_a_leads_approval() -> None:
    seed_demo(cases=40, seed=7)
    assert RuleSet.objects.get().state == RuleSetState.ACTIVE
    assert AuthorityLimit.objects.count() == 6
    waiting = Remedy.objects.get(state=RemedyState.PENDING_APPROVAL, kind="partial_refund")
    assert 100_000 < waiting.amount <= 150_000  # above an agent's refund limit, within the order's total
    assert Remedy.objects.filter(state=RemedyState.EXECUTED).count() >= 3
    lead = User.objects.get(username="haeun")
    client = Client()
    client.force_login(lead)
    assert waiting.case.reference in client.get("/workspace/approvals/").content.decode()
    report = client.get("/workspace/policy/report/").content.decode()
    assert "delivery-delay" in report
    seed_demo(cases=1, seed=8)  # a second seeding leaves the policy alone
    assert RuleSet.objects.count() == 1
