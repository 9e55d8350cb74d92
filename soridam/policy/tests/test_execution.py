"""Carrying a remedy out exactly once: the claim, and the sweep for remedies whose process died."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from soridam.accounts.models import User
from soridam.cases import remedy_actions
from soridam.cases.models import Case
from soridam.channels.tests.fakeprovider import FakeProvider
from soridam.policy import execution
from soridam.policy.models import Remedy, RemedyState, RuleSet
from soridam.policy.tasks import execute_stranded_remedies

pytestmark = pytest.mark.django_db


def approved_refund(case: Case, agent: User) -> Remedy:
    """Approved and committed, but never carried out: the process died right after its commit."""
    wanted = remedy_actions.RemedyRequest("partial_refund", Decimal(40_000))
    remedy = remedy_actions.request_remedy(case, wanted, actor=agent)
    Remedy.objects.filter(pk=remedy.pk).update(requested_at=timezone.now() - timedelta(minutes=2))
    return remedy


def test_only_one_caller_claims_a_remedy_until_its_lease_expires(
    alice: User, order_case: Callable[..., Case], active_rules: RuleSet
) -> None:
    remedy = approved_refund(order_case(), alice)
    assert execution.claim(remedy.pk) is True
    assert execution.claim(remedy.pk) is False
    Remedy.objects.filter(pk=remedy.pk).update(execution_started_at=timezone.now() - timedelta(minutes=6))
    assert execution.claim(remedy.pk) is True


def test_the_sweep_carries_out_a_stranded_remedy_once(
    alice: User, order_case: Callable[..., Case], active_rules: RuleSet, shop_server: FakeProvider
) -> None:
    remedy = approved_refund(order_case(), alice)
    assert remedy.state == RemedyState.APPROVED
    assert execute_stranded_remedies.call() == 1
    assert execute_stranded_remedies.call() == 0
    remedy.refresh_from_db()
    assert (remedy.state, remedy.attempts, remedy.claim_id) == (RemedyState.EXECUTED, 1, "RF-1")
    assert len(shop_server.to("/refunds")) == 1
