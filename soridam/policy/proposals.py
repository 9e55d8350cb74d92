"""What policy would let an agent offer with no one approving, for a proposal on a page (the churn flag's
retention remedy on the case page): the active rules and the authority limits kept per process for a few
seconds.

The case page proposes on every view of a flagged customer, and the active rule set with its rules and
allowances, and the limits, change a few times a year: reading them for each view was four statements spent
on nothing. A proposal is never carried out: offering a remedy evaluates the rules from the database again
(``policy.rules``). This process forgets its copy as soon as it saves or deletes a rule set, rule, allowance or
limit (the models count their changes); other processes see an admin's change within ``TTL_SECONDS``, as
with the active categories (``cases.categories``).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from decimal import Decimal

from soridam.accounts.models import Role
from soridam.cases.models import Case
from soridam.orders.models import Order
from soridam.policy import limits
from soridam.policy.evaluation import Allowed, RuleSpec
from soridam.policy.models import AuthorityLimit, policy_version
from soridam.policy.rules import active_rule_set, capped, evaluate_specs, specs_of

TTL_SECONDS = 10.0


@dataclass(frozen=True)
class _Copy:
    specs: tuple[RuleSpec, ...] | None  # None: no rule set is active
    limits: dict[tuple[str, str], Decimal | None]
    version: int
    read_at: float


_lock = threading.Lock()
_copy: _Copy | None = None


def proposable(case: Case, order: Order | None) -> tuple[Allowed, ...]:
    """``rules.auto_approvable`` from this process's copy: nothing when no rule set is active."""
    copy = _current()
    if copy.specs is None:
        return ()
    return capped(evaluate_specs(copy.specs, case, order), lambda kind: limits.limit_in(copy.limits, Role.AGENT, kind))


def forget() -> None:
    global _copy  # noqa: PLW0603 - the per-process copy
    with _lock:
        _copy = None


def _current() -> _Copy:
    global _copy  # noqa: PLW0603 - the per-process copy
    copy = _copy
    if copy is None or copy.version != policy_version() or time.monotonic() - copy.read_at > TTL_SECONDS:
        version = policy_version()
        rule_set = active_rule_set()
        table = {(row.role, row.group): row.max_amount for row in AuthorityLimit.objects.all()}
        copy = _Copy(specs_of(rule_set) if rule_set is not None else None, table, version, time.monotonic())
        with _lock:
            _copy = copy
    return copy
