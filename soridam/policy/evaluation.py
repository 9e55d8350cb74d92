"""What the rules allow for one case: a pure, deterministic function of (rules, facts) (R-POLICY-2).

No database, no clock: ``facts.gather`` reads the case, the customer, the order and past remedies once, and
``rules_of`` turns a rule set's rows into ``RuleSpec`` values. Rules are combined without regard to their
order: every matching rule contributes its kinds, a kind's cap is the most generous of the matching rules,
and the matched ids come back sorted. The statutory minima (``statutory``) are added where the facts qualify,
so no rule set can leave the customer with less than the law gives.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from fnmatch import fnmatchcase

APOLOGY = "apology"  # costs nothing: always allowed


@dataclass(frozen=True)
class Facts:
    category: str = ""
    days_since_delivery: int | None = None  # None: not delivered (or no order)
    order_value: Decimal | None = None
    items: tuple[str, ...] = ()  # SKUs and names of the order's lines
    tier: str = ""
    remedies_last_90_days: int = 0


@dataclass(frozen=True)
class AllowanceSpec:
    kind: str
    cap_amount: Decimal | None = None
    cap_percent: int | None = None

    def cap(self, order_value: Decimal | None) -> Decimal | None:
        """The cap in KRW for these facts; None is no cap. A share of an unknown order value is nothing."""
        capped = [] if self.cap_amount is None else [self.cap_amount]
        if self.cap_percent is not None:
            share = (order_value or Decimal(0)) * self.cap_percent / 100
            capped.append(share.quantize(Decimal(1), rounding=ROUND_DOWN))
        return min(capped) if capped else None


@dataclass(frozen=True)
class RuleSpec:
    code: str
    allowances: tuple[AllowanceSpec, ...]
    category: str = ""
    min_days: int | None = None
    max_days: int | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    item_pattern: str = ""
    tier: str = ""
    max_recent_remedies: int | None = None

    def matches(self, facts: Facts) -> bool:
        return all(
            (
                not self.category or self.category == facts.category,
                _within(facts.days_since_delivery, self.min_days, self.max_days),
                _within(facts.order_value, self.min_value, self.max_value),
                self._matches_item(facts.items),
                not self.tier or self.tier == facts.tier,
                self.max_recent_remedies is None or facts.remedies_last_90_days <= self.max_recent_remedies,
            )
        )

    def _matches_item(self, items: tuple[str, ...]) -> bool:
        pattern = self.item_pattern.lower()
        return not pattern or any(fnmatchcase(item.lower(), pattern) for item in items)


def _within(value: Decimal | int | None, low: Decimal | int | None, high: Decimal | int | None) -> bool:
    if low is None and high is None:
        return True
    if value is None:
        return False
    return (low is None or value >= low) and (high is None or value <= high)


@dataclass(frozen=True)
class Allowed:
    kind: str
    cap: Decimal | None  # None: no cap


@dataclass(frozen=True)
class Evaluation:
    allowed: tuple[Allowed, ...]  # sorted by kind
    matched_rules: tuple[str, ...]  # sorted
    governed: bool = True  # False: no active rule set, only the authority limits apply

    def cap_for(self, kind: str) -> Decimal | None:
        return next((a.cap for a in self.allowed if a.kind == kind), None)

    def allows(self, kind: str, amount: Decimal) -> bool:
        """Whether ``amount`` of ``kind`` is within what the rules allow (else it is an exception)."""
        if not self.governed or kind == APOLOGY:
            return True
        entry = next((a for a in self.allowed if a.kind == kind), None)
        return entry is not None and (entry.cap is None or amount <= entry.cap)


def evaluate(rules: Iterable[RuleSpec], facts: Facts, *, statutory: Sequence[RuleSpec] = ()) -> Evaluation:
    """The allowed kinds with caps and the matched rule ids; ``statutory`` specs always apply where they match."""
    caps: dict[str, Decimal | None] = {}
    matched: set[str] = set()
    for rule in [*rules, *statutory]:
        if not rule.matches(facts):
            continue
        matched.add(rule.code)
        for allowance in rule.allowances:
            caps[allowance.kind] = _more_generous(caps, allowance.kind, allowance.cap(facts.order_value))
    allowed = tuple(Allowed(kind, caps[kind]) for kind in sorted(caps))
    return Evaluation(allowed=allowed, matched_rules=tuple(sorted(matched)))


def _more_generous(caps: dict[str, Decimal | None], kind: str, cap: Decimal | None) -> Decimal | None:
    if kind not in caps:
        return cap
    current = caps[kind]
    if current is None or cap is None:
        return None
    return max(current, cap)


UNGOVERNED = Evaluation(allowed=(), matched_rules=(), governed=False)
