"""The demo's remedy policy: one active rule set, the authority limits, a few remedies carried out (vouchers,
points, an apology) for the report to show, and one refund waiting for a lead's approval (R-POLICY, issue 16 §11).

The waiting refund is an agent's exception (a carrier's fault, which no rule covers) above an agent's 100,000 KRW
refund limit: 150,000 KRW, or all that is left to refund on the case's demo order when that is less. The lead
sees it in /workspace/approvals/. Idempotent: nothing is seeded when a rule set exists.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from soridam.accounts.models import Role, User
from soridam.audit.actors import Actor
from soridam.cases import remedy_actions
from soridam.cases.models import Case
from soridam.policy import execution, facts, rules
from soridam.policy.limits import DEFAULT_LIMITS
from soridam.policy.models import AuthorityLimit, Rule, RuleAllowance, RuleSet

RULES: list[tuple[str, str, dict[str, Any], list[tuple[str, int | None, int | None]]]] = [
    (
        "delivery-delay",
        "배송 지연 / Late delivery",
        {"category": "delivery"},
        [("voucher", 5000, None), ("points", 5000, None)],
    ),
    (
        "damaged-item",
        "파손·불량 (배송 후 30일) / Damaged or faulty, within 30 days",
        {"category": "product", "max_days_since_delivery": 30},
        [
            ("full_refund", None, None),
            ("partial_refund", None, 30),
            ("exchange", None, None),
            ("postage_waiver", None, None),
        ],
    ),
    (
        "return-window",
        "반품 (배송 후 14일) / Return within 14 days",
        {"category": "refund_return", "max_days_since_delivery": 14},
        [("full_refund", None, None), ("partial_refund", None, None), ("postage_waiver", None, None)],
    ),
    ("payment-error", "결제 오류 / Payment error", {"category": "payment"}, [("full_refund", None, None)]),
    ("vip-goodwill", "VIP 배려 / VIP goodwill", {"tier": "vip"}, [("voucher", 30000, None)]),
]
# (category, staff username, kind, amount, exception reason)
REMEDIES = [
    ("delivery", "minji", "voucher", 5000, ""),
    ("delivery", "emma", "points", 3000, ""),
    ("delivery", "minji", "apology", 0, ""),
    ("delivery", "emma", "voucher", 20000, "our_mistake"),
    ("product", "james", "apology", 0, ""),
]
WAITING_REFUND = ("product", "james", Decimal(150_000))


def seed_policy(staff: dict[str, User]) -> RuleSet | None:
    if RuleSet.objects.exists():
        return None
    rule_set = RuleSet.objects.create(version=1, name="기본 보상 정책 / Default remedies")
    for code, title, conditions, allowances in RULES:
        rule = Rule.objects.create(rule_set=rule_set, code=code, title=title, **conditions)
        RuleAllowance.objects.bulk_create(
            RuleAllowance(rule=rule, kind=kind, cap_amount=amount, cap_percent=percent)
            for kind, amount, percent in allowances
        )
    rules.activate(rule_set, actor=Actor(user=staff["admin"]))
    for role in (Role.AGENT, Role.LEAD, Role.ADMIN):
        for group, amount in DEFAULT_LIMITS[role].items():
            AuthorityLimit.objects.get_or_create(role=role, group=group, defaults={"max_amount": amount})
    _seed_remedies(staff)
    return rule_set


def _seed_remedies(staff: dict[str, User]) -> None:
    used: set[int] = set()
    for category, username, kind, amount, exception in REMEDIES:
        case = _case(category, used)
        if case is not None and username in staff:
            reason = "데모: 고객 불편에 대한 보상" if not exception else "데모: 상품을 잘못 보냈습니다"
            wanted = remedy_actions.RemedyRequest(kind, Decimal(amount), reason, exception)
            remedy = remedy_actions.request_remedy(case, wanted, actor=staff[username])
            execution.execute_if_approved(remedy)
    category, username, most = WAITING_REFUND
    case = _case(category, used)
    if case is not None and username in staff:
        left = remedy_actions.refundable(facts.case_order(case))
        refund = most if left is None else min(most, left)
        wanted = remedy_actions.RemedyRequest("partial_refund", refund, "데모: 파손된 상품, 사진 확인", "carrier_fault")
        remedy_actions.request_remedy(case, wanted, actor=staff[username])


def _case(category: str, used: set[int]) -> Case | None:
    case = Case.objects.filter(category__slug=category).exclude(pk__in=used).select_for_update().order_by("pk").first()
    if case is not None:
        used.add(case.pk)
    return case
