"""Hypothesis properties of the remedy policy (the issue's acceptance):
- evaluation is deterministic and independent of the order of the rules;
- no remedy above the actor's limit is ever carried out without an approval (the real actions, driven);
- no rule set that allows less than a statutory minimum can be activated."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from soridam.accounts.models import Role, User
from soridam.audit.actors import Actor
from soridam.cases import remedy_actions
from soridam.cases.models import Case
from soridam.policy import execution, limits, rules, statutory
from soridam.policy.evaluation import AllowanceSpec, Facts, RuleSpec, evaluate
from soridam.policy.models import RemedyKind, RemedyState, RuleSet, RuleSetState
from soridam.policy.tests.conftest import make_rule_set

KINDS = [kind.value for kind in RemedyKind]
CATEGORIES = ["", "delivery", "product", "refund_return"]
money = st.integers(min_value=0, max_value=3_000_000).map(Decimal)
optional_days = st.none() | st.integers(min_value=0, max_value=400)

allowances = st.builds(
    AllowanceSpec,
    kind=st.sampled_from(KINDS),
    cap_amount=st.none() | money,
    cap_percent=st.none() | st.integers(min_value=0, max_value=150),
)
rule_specs = st.builds(
    RuleSpec,
    code=st.text("abcdefgh-", min_size=1, max_size=8),
    allowances=st.lists(allowances, max_size=4, unique_by=lambda a: a.kind).map(tuple),
    category=st.sampled_from(CATEGORIES),
    min_days=optional_days,
    max_days=optional_days,
    min_value=st.none() | money,
    max_value=st.none() | money,
    item_pattern=st.sampled_from(["", "SHOE-*", "*bag*"]),
    tier=st.sampled_from(["", "standard", "vip"]),
    max_recent_remedies=st.none() | st.integers(min_value=0, max_value=5),
)
facts_strategy = st.builds(
    Facts,
    category=st.sampled_from(CATEGORIES),
    days_since_delivery=optional_days,
    order_value=st.none() | money,
    items=st.lists(st.sampled_from(["SHOE-42", "Leather bag", "러닝화"]), max_size=2, unique=True).map(tuple),
    tier=st.sampled_from(["standard", "vip"]),
    remedies_last_90_days=st.integers(min_value=0, max_value=8),
)


@hsettings(max_examples=300, deadline=None)
@given(st.lists(rule_specs, max_size=8, unique_by=lambda r: r.code), facts_strategy, st.randoms())
def test_evaluation_is_deterministic_and_independent_of_rule_order(
    specs: list[RuleSpec], facts: Facts, random: Any
) -> None:
    minima = statutory.as_rules(facts.category)
    first = evaluate(specs, facts, statutory=minima)
    shuffled = list(specs)
    random.shuffle(shuffled)
    assert evaluate(shuffled, facts, statutory=minima) == first
    assert evaluate(specs, facts, statutory=minima) == first
    assert list(first.matched_rules) == sorted(first.matched_rules)


@hsettings(max_examples=300, deadline=None)
@given(st.lists(rule_specs, max_size=6, unique_by=lambda r: r.code), facts_strategy)
def test_evaluation_never_gives_less_than_a_statutory_minimum(specs: list[RuleSpec], facts: Facts) -> None:
    result = evaluate(specs, facts, statutory=statutory.as_rules(facts.category))
    for minimum in statutory.reference().minima:
        covered = facts.days_since_delivery is not None and facts.days_since_delivery <= minimum.max_days
        if not (covered and minimum.covers_category(facts.category)):
            continue
        for kind, percent in minimum.remedies:
            owed = None if percent is None else (facts.order_value or Decimal(0)) * percent / 100
            cap = result.cap_for(kind)
            assert any(a.kind == kind for a in result.allowed)
            assert cap is None or (owed is not None and cap >= owed.to_integral_value(rounding="ROUND_DOWN"))


# Rules with only the conditions a statutory minimum speaks of, so that generated facts often fall inside.
window_rules = st.builds(
    RuleSpec,
    code=st.just("r"),
    allowances=st.lists(allowances, min_size=1, max_size=4, unique_by=lambda a: a.kind).map(tuple),
    category=st.sampled_from(CATEGORIES),
    min_days=st.none() | st.integers(min_value=0, max_value=10),
    max_value=st.none() | money,
)
window_facts = st.builds(
    Facts,
    category=st.sampled_from(CATEGORIES[1:]),
    days_since_delivery=st.integers(min_value=0, max_value=12),
    order_value=money,
)


@hsettings(max_examples=500, deadline=None)
@given(window_rules, window_facts)
def test_a_rule_that_passes_the_statutory_check_never_caps_below_the_minimum(rule: RuleSpec, facts: Facts) -> None:
    """Brute force against ``undercuts``: any facts that both the rule and a minimum cover."""
    if statutory.undercuts(rule) or not rule.matches(facts):
        return
    for minimum in statutory.reference().minima:
        days = facts.days_since_delivery
        if days is None or days > minimum.max_days or not minimum.covers_category(facts.category):
            continue
        for kind, percent in minimum.remedies:
            allowance = next((a for a in rule.allowances if a.kind == kind), None)
            if allowance is None:
                continue
            cap = allowance.cap(facts.order_value)
            if percent is None:
                assert cap is None
            elif cap is not None:
                owed = ((facts.order_value or Decimal(0)) * percent / 100).to_integral_value(rounding="ROUND_DOWN")
                assert cap >= owed


# The defaults, written out (not read from ``limits``, which is what is tested).
LIMITS = {
    Role.AGENT: (Decimal(100_000), Decimal(30_000)),
    Role.LEAD: (Decimal(1_000_000), Decimal(300_000)),
    Role.ADMIN: (Decimal("Infinity"), Decimal("Infinity")),
}


def _limit(role: str, kind: str) -> Decimal:
    if kind == "apology":
        return Decimal("Infinity")
    refund, voucher = LIMITS[role]
    return voucher if kind in ("voucher", "points") else refund


DB_EXAMPLES = hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _below_minimum(kind: str, amount: Decimal | None, percent: int | None) -> bool:
    """The statutory table, written out: a rule for the first 14 days of any category meets all three minima:
    full refund, repair and exchange at 100% of the order value, and the return postage uncapped."""
    capped = amount is not None or percent is not None
    if kind == "postage_waiver":
        return capped
    if kind in ("full_refund", "repair", "exchange"):
        return amount is not None or (percent is not None and percent < 100)
    return False


@pytest.mark.django_db
@DB_EXAMPLES
@given(st.lists(st.tuples(st.sampled_from(KINDS), st.none() | money, st.none() | st.integers(0, 150)), max_size=4))
def test_no_rule_set_that_allows_less_than_a_statutory_minimum_can_be_activated(
    root: User, allowed: list[tuple[str, Decimal | None, int | None]]
) -> None:
    unique = {kind: (kind, amount, percent) for kind, amount, percent in allowed}.values()
    caps = [{"kind": kind, "cap_amount": amount, "cap_percent": percent} for kind, amount, percent in unique]
    with transaction.atomic():
        rule_set = make_rule_set(RuleSet.objects.count() + 100, ("fresh", {"max_days_since_delivery": 14}, caps))
        undercut = any(_below_minimum(kind, amount, percent) for kind, amount, percent in unique)
        try:
            rules.activate(rule_set, actor=Actor(user=root))
        except ValidationError:
            assert undercut
            rule_set.refresh_from_db()
            assert rule_set.state == RuleSetState.DRAFT
        else:
            assert not undercut
        transaction.set_rollback(True)


@pytest.mark.django_db
@DB_EXAMPLES
@given(
    requester_role=st.sampled_from([Role.AGENT, Role.LEAD, Role.ADMIN]),
    approver_role=st.sampled_from([Role.AGENT, Role.LEAD, Role.ADMIN]),
    kind=st.sampled_from(KINDS + ["refund"]),
    amount=st.integers(min_value=0, max_value=2_500_000).map(Decimal),
    governed=st.booleans(),
)
def test_no_remedy_above_the_actors_limit_is_executed_without_an_approval(
    make_case: Callable[..., Case],
    root: User,
    requester_role: str,
    approver_role: str,
    kind: str,
    amount: Decimal,
    governed: bool,
) -> None:
    with transaction.atomic():
        if governed:
            rule_set = make_rule_set(9, ("vouchers", {}, [{"kind": "voucher", "cap_amount": Decimal(40_000)}]))
            rules.activate(rule_set, actor=Actor(user=root))
        requester = User.objects.create_user("requester", role=requester_role)
        approver = User.objects.create_user("approver", role=approver_role)
        case = make_case()
        wanted = remedy_actions.RemedyRequest(kind, amount, "why", "goodwill")
        remedy = execution.execute_if_approved(remedy_actions.request_remedy(case, wanted, actor=requester))
        if remedy.state == RemedyState.PENDING_APPROVAL:
            try:
                remedy_actions.decide_remedy(case, remedy, approve=True, comment="", actor=approver)
            except PermissionDenied:
                assert not limits.may_approve(approver, remedy)
            remedy = execution.execute_if_approved(remedy)
        if remedy.state == RemedyState.EXECUTED and remedy.amount > _limit(requester_role, remedy.kind):
            assert remedy.decided_by == approver
            assert remedy.amount <= _limit(approver_role, remedy.kind)
            assert approver_role in (Role.LEAD, Role.ADMIN)
        if remedy.state == RemedyState.EXECUTED and remedy.decided_by is None:
            assert remedy.amount <= _limit(requester_role, remedy.kind)
            assert remedy.within_rules or requester_role == Role.ADMIN
        transaction.set_rollback(True)
