"""What policy would let an agent offer with no one approving, for a proposal on a page (the churn flag's
retention remedy on the case page): the active rules and the authority limits kept per process for a few
seconds.

The case page proposes on every view of a flagged customer, and the active rule set with its rules and
allowances, and the limits, change a few times a year: reading them for each view was four statements spent
on nothing (``lib.process_copy``). A proposal is never carried out: offering a remedy evaluates the rules from
the database again (``policy.rules``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from soridam.accounts.models import Role
from soridam.cases.models import Case
from soridam.lib.process_copy import ProcessCopy
from soridam.orders.models import Order
from soridam.policy import limits
from soridam.policy.evaluation import Allowed, RuleSpec
from soridam.policy.models import AuthorityLimit, policy_changes
from soridam.policy.rules import active_rule_set, capped, evaluate_specs, specs_of


@dataclass(frozen=True)
class _Policy:
    specs: tuple[RuleSpec, ...] | None  # None: no rule set is active
    limits: dict[tuple[str, str], Decimal | None]


def _read() -> _Policy:
    rule_set = active_rule_set()
    table = {(row.role, row.group): row.max_amount for row in AuthorityLimit.objects.all()}
    return _Policy(specs_of(rule_set) if rule_set is not None else None, table)


POLICY = ProcessCopy(_read, policy_changes)


def proposable(case: Case, order: Order | None) -> tuple[Allowed, ...]:
    """``rules.auto_approvable`` from this process's copy: nothing when no rule set is active."""
    policy = POLICY.get()
    if policy.specs is None:
        return ()
    return capped(
        evaluate_specs(policy.specs, case, order), lambda kind: limits.limit_in(policy.limits, Role.AGENT, kind)
    )
