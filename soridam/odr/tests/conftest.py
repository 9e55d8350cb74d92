"""Personas of a dispute: the claimant (the case's customer), ria the respondent (dispute permission),
nora the neutral; and a helper that runs an action in a transaction with its after-commit jobs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import translation

from soridam.accounts.models import Role as StaffRole
from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases.models import Case
from soridam.odr import actions
from soridam.odr.models import Dispute


@pytest.fixture(autouse=True)
def _refusals_in_english() -> Iterator[None]:
    """Actions called outside a request say why in the active language; these tests match the English text
    (a page test below checks the Korean one a customer reads)."""
    with translation.override("en"):
        yield


@pytest.fixture
def ria(teams: Any) -> User:
    user = User.objects.create_user(username="ria", password="pw-ria", role=StaffRole.AGENT, email="ria@shop.test")
    user.user_permissions.add(Permission.objects.get(codename="respond_dispute"))
    return User.objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def nora(teams: Any) -> User:
    return User.objects.create_user(username="nora", password="pw-nora", role=StaffRole.AGENT, email="nora@odr.test")


@pytest.fixture
def run(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Run ``fn(dispute, ...)`` under the dispute's row lock and then its after-commit jobs (notices)."""

    def call(fn: Callable[..., Any], dispute: Dispute, *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            locked = (
                Dispute.objects.select_for_update(of=("self",))
                .select_related("case", "claimant", "neutral")
                .get(pk=dispute.pk)
            )
            return fn(locked, *args, **kwargs)

    return call


@pytest.fixture
def filed(make_case: Callable[..., Case], ria: User, django_capture_on_commit_callbacks: Any) -> Dispute:
    case = make_case(order_number="ORD-1001")
    filing = actions.Filing(
        order_number="ORD-1001", issues=["the parcel never came"], desired_outcome="refund", desired_amount=100_000
    )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        return actions.file_dispute(case, filing, actor=Actor(customer=case.customer))


def claimant(dispute: Dispute) -> Actor:
    return Actor(customer=dispute.claimant)
