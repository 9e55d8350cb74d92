"""The statutory minima (소비자분쟁해결기준 and the E-Commerce Act, SPEC §5.5) as reference data (R-POLICY-7).

``data/statutory_minima.json`` names its sources. Each minimum covers a situation (categories, days since
delivery) and gives remedy kinds with the least share of the order value the customer is owed (null: the
whole cost, with no cap). Evaluation always adds them where the facts qualify (``as_rules``), and a rule set
whose rules cap one of those kinds below the minimum in a situation they cover cannot be activated
(``undercuts``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from soridam.policy.evaluation import AllowanceSpec, RuleSpec

DATA = Path(__file__).with_name("data") / "statutory_minima.json"
PREFIX = "statutory:"


@dataclass(frozen=True)
class Minimum:
    id: str
    title_ko: str
    title_en: str
    categories: tuple[str, ...]
    max_days: int
    remedies: tuple[tuple[str, int | None], ...]  # (kind, least percent of the order value; None: uncapped)

    def as_rule(self) -> RuleSpec:
        allowances = tuple(AllowanceSpec(kind, cap_percent=percent) for kind, percent in self.remedies)
        return RuleSpec(code=PREFIX + self.id, allowances=allowances, min_days=0, max_days=self.max_days)

    def covers_category(self, category: str) -> bool:
        return not self.categories or category in self.categories


@dataclass(frozen=True)
class Reference:
    source: str
    refund_within_business_days: int
    minima: tuple[Minimum, ...]


@cache
def reference() -> Reference:
    raw: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    minima = tuple(_minimum(item) for item in raw["minima"])
    return Reference(raw["source"], int(raw["refund_within_business_days"]), minima)


def _minimum(item: dict[str, Any]) -> Minimum:
    remedies = tuple((entry["kind"], entry["min_percent"]) for entry in item["remedies"])
    return Minimum(
        id=item["id"],
        title_ko=item["title_ko"],
        title_en=item["title_en"],
        categories=tuple(item["categories"]),
        max_days=int(item["max_days_since_delivery"]),
        remedies=remedies,
    )


def as_rules(category: str) -> tuple[RuleSpec, ...]:
    """The minima as rules for a case of this category (a minimum limited to other categories is left out)."""
    return tuple(m.as_rule() for m in reference().minima if m.covers_category(category))


def undercuts(rule: RuleSpec) -> list[str]:
    """The minima this rule undercuts: it covers part of their situation and caps one of their kinds lower."""
    found = []
    for minimum in reference().minima:
        if not _overlaps(rule, minimum):
            continue
        for kind, percent in minimum.remedies:
            allowance = next((a for a in rule.allowances if a.kind == kind), None)
            if allowance is not None and _capped_below(allowance, percent, rule.max_value):
                found.append(f"{minimum.id}:{kind}")
    return found


def _overlaps(rule: RuleSpec, minimum: Minimum) -> bool:
    if rule.category and not minimum.covers_category(rule.category):
        return False
    # Days since delivery are ≥ 0; the rule's range must reach into [0, max_days].
    return rule.min_days is None or rule.min_days <= minimum.max_days


def _capped_below(allowance: AllowanceSpec, percent: int | None, max_value: Decimal | None) -> bool:
    """Whether some order the rule covers gets less than ``percent`` of its value (None: any cap is less)."""
    if allowance.cap_amount is None and allowance.cap_percent is None:
        return False
    if percent is None:
        return True
    if allowance.cap_percent is not None and allowance.cap_percent < percent:
        return True
    if allowance.cap_amount is None:
        return False
    # An amount cap is enough only if the rule is limited to orders whose owed share stays under it.
    return max_value is None or allowance.cap_amount < max_value * percent / 100
