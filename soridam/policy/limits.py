"""Authority limits: how much each role may grant without an approval (R-POLICY-3).

An admin edits ``AuthorityLimit`` rows; a role and group with no row uses ``DEFAULT_LIMITS``. An apology
costs nothing and needs no authority. An approver must be a lead or admin whose own limit covers the amount,
and never the person who asked for the remedy.
"""

from __future__ import annotations

from decimal import Decimal

from soridam.accounts.models import Role, User
from soridam.policy.models import AuthorityLimit, LimitGroup, Remedy, RemedyKind

DEFAULT_LIMITS: dict[str, dict[str, Decimal | None]] = {
    Role.AGENT: {LimitGroup.REFUND: Decimal(100_000), LimitGroup.VOUCHER: Decimal(30_000)},
    Role.LEAD: {LimitGroup.REFUND: Decimal(1_000_000), LimitGroup.VOUCHER: Decimal(300_000)},
    Role.ADMIN: {LimitGroup.REFUND: None, LimitGroup.VOUCHER: None},
}
APPROVER_ROLES = frozenset({Role.LEAD, Role.ADMIN})
_GROUPS = {RemedyKind.VOUCHER: LimitGroup.VOUCHER, RemedyKind.POINTS: LimitGroup.VOUCHER}


def group_of(kind: str) -> str | None:
    """The limit group of a kind; None for an apology, which needs no authority."""
    if kind == RemedyKind.APOLOGY:
        return None
    return _GROUPS.get(RemedyKind(kind), LimitGroup.REFUND)


def limit_for(role: str, kind: str) -> Decimal | None:
    """The most ``role`` may grant of ``kind``; None is no limit. A role with no default may grant nothing."""
    group = group_of(kind)
    if group is None:
        return None
    row = AuthorityLimit.objects.filter(role=role, group=group).first()
    if row is not None:
        return row.max_amount
    return DEFAULT_LIMITS.get(role, {}).get(group, Decimal(0))


def limit_in(table: dict[tuple[str, str], Decimal | None], role: str, kind: str) -> Decimal | None:
    """``limit_for`` read from a copy of every ``AuthorityLimit`` row, keyed by role and group."""
    group = group_of(kind)
    if group is None:
        return None
    if (role, group) in table:
        return table[role, group]
    return DEFAULT_LIMITS.get(role, {}).get(group, Decimal(0))


def within_limit(user: User, kind: str, amount: Decimal) -> bool:
    limit = limit_for(user.effective_role, kind)
    return limit is None or amount <= limit


def may_approve(user: User, remedy: Remedy) -> bool:
    return (
        user.is_support_staff
        and user.effective_role in APPROVER_ROLES
        and not remedy.requested_by_user(user)
        and within_limit(user, remedy.kind, remedy.amount)
    )
