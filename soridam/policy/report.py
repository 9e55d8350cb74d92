"""The policy feedback report (R-POLICY-6): how each rule's remedies turned out, who made exceptions and why,
and the exceptions that recur often enough to propose a rule change.

Outcomes of a remedy, read from what happened to its case and customer afterwards:
- CSAT: the case's survey rating (1–5), where answered;
- reopened: the case was reopened after the remedy was offered;
- repeat contact: the customer opened another case within 30 days of it;
- retained: the customer placed another order or opened another case within 90 days of it (a customer who
  comes back at all, the closest to retention that our data holds).
A remedy counts once for every rule it matched; one outside the rules counts under ``EXCEPTION``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Sum
from django.utils import timezone

from soridam.cases.models import Case, EventKind, TimelineEvent
from soridam.followup.models import Survey
from soridam.orders.models import Order
from soridam.policy.models import Remedy, RemedyState, RuleComment

EXCEPTION = "(exception)"
WINDOW = timedelta(days=365)
REPEAT_DAYS, RETENTION_DAYS = 30, 90
COUNTED = (RemedyState.EXECUTED, RemedyState.APPROVED, RemedyState.FAILED)


@dataclass
class Outcome:
    rule: str
    kind: str
    count: int = 0
    cost: Decimal = Decimal(0)
    ratings: list[int] = field(default_factory=list)
    reopened: int = 0
    repeated: int = 0
    retained: int = 0

    @property
    def csat(self) -> float | None:
        return sum(self.ratings) / len(self.ratings) if self.ratings else None

    def rate(self, part: int) -> float:
        return part / self.count if self.count else 0.0

    @property
    def reopen_rate(self) -> float:
        return self.rate(self.reopened)

    @property
    def repeat_rate(self) -> float:
        return self.rate(self.repeated)

    @property
    def retention_rate(self) -> float:
        return self.rate(self.retained)


@dataclass(frozen=True)
class Later:
    """What happened after each remedy, read in three queries for all of them."""

    ratings: dict[int, int]
    reopened_cases: dict[int, datetime]  # case id -> its last reopening
    customer_cases: dict[int, list[datetime]]
    customer_orders: dict[int, list[datetime]]

    def outcome_of(self, remedy: Remedy) -> tuple[int | None, bool, bool, bool]:
        at = remedy.requested_at
        reopened = self.reopened_cases.get(remedy.case_id, at) > at
        cases = [t for t in self.customer_cases.get(remedy.customer_id, []) if t > at]
        orders = [t for t in self.customer_orders.get(remedy.customer_id, []) if t > at]
        repeated = any(t <= at + timedelta(days=REPEAT_DAYS) for t in cases)
        retained = any(t <= at + timedelta(days=RETENTION_DAYS) for t in [*cases, *orders])
        return self.ratings.get(remedy.case_id), reopened, repeated, retained


def outcomes(now: datetime | None = None) -> list[Outcome]:
    now = now or timezone.now()
    remedies = list(Remedy.objects.filter(state__in=COUNTED, requested_at__gte=now - WINDOW).order_by("pk"))
    later = _later(remedies)
    table: dict[tuple[str, str], Outcome] = {}
    for remedy in remedies:
        rating, reopened, repeated, retained = later.outcome_of(remedy)
        for rule in _rules_of(remedy):
            row = table.setdefault((rule, remedy.kind), Outcome(rule, remedy.kind))
            row.count += 1
            row.cost += remedy.amount
            row.ratings.extend([rating] if rating is not None else [])
            row.reopened, row.repeated, row.retained = (
                row.reopened + reopened,
                row.repeated + repeated,
                row.retained + retained,
            )
    return [table[key] for key in sorted(table)]


def _rules_of(remedy: Remedy) -> list[str]:
    return [str(code) for code in remedy.matched_rules] if remedy.within_rules else [EXCEPTION]


def _later(remedies: Iterable[Remedy]) -> Later:
    case_ids = {r.case_id for r in remedies}
    customer_ids = {r.customer_id for r in remedies}
    answered = Survey.objects.filter(case_id__in=case_ids, rating__isnull=False).values_list("case_id", "rating")
    ratings = {case_id: rating for case_id, rating in answered if rating is not None}
    reopened: dict[int, datetime] = {}
    for case_id, at in TimelineEvent.objects.filter(case_id__in=case_ids, kind=EventKind.REOPENED).values_list(
        "case_id", "created_at"
    ):
        reopened[case_id] = max(at, reopened.get(case_id, at))
    return Later(ratings, reopened, _times(Case, customer_ids), _times(Order, customer_ids))


def _times(model: type[Case] | type[Order], customer_ids: set[int]) -> dict[int, list[datetime]]:
    moment = "created_at" if model is Case else "placed_at"
    found: dict[int, list[datetime]] = defaultdict(list)
    for customer_id, at in model.objects.filter(customer_id__in=customer_ids).values_list("customer_id", moment):
        found[customer_id].append(at)
    return found


def exceptions_by_agent(now: datetime | None = None) -> list[dict[str, object]]:
    """Exceptions by agent and reason: how many and what they cost."""
    now = now or timezone.now()
    rows = (
        Remedy.objects.filter(within_rules=False, requested_at__gte=now - WINDOW)
        .values("requested_by__username", "exception_reason")
        .annotate(count=Count("id"), cost=Sum("amount"))
        .order_by("requested_by__username", "exception_reason")
    )
    return list(rows)


@dataclass(frozen=True)
class Proposal:
    """Exceptions that recur: the same reason at least ``SORIDAM_EXCEPTION_PROPOSAL_COUNT`` times in the
    last ``SORIDAM_EXCEPTION_PROPOSAL_DAYS`` days. An admin reads them as a case for changing the rules."""

    reason: str
    kind: str
    count: int
    cost: Decimal
    cases: tuple[str, ...]


def proposals(now: datetime | None = None) -> list[Proposal]:
    now = now or timezone.now()
    since = now - timedelta(days=settings.SORIDAM_EXCEPTION_PROPOSAL_DAYS)
    recent = Remedy.objects.filter(within_rules=False, requested_at__gte=since).select_related("case")
    grouped: dict[tuple[str, str], list[Remedy]] = defaultdict(list)
    for remedy in recent.order_by("requested_at", "pk"):
        grouped[(remedy.exception_reason, remedy.kind)].append(remedy)
    threshold = settings.SORIDAM_EXCEPTION_PROPOSAL_COUNT
    return [
        Proposal(
            reason, kind, len(group), sum((r.amount for r in group), Decimal(0)), tuple(r.case.reference for r in group)
        )
        for (reason, kind), group in sorted(grouped.items())
        if len(group) >= threshold
    ]


def recent_comments(limit: int = 50) -> list[RuleComment]:
    return list(RuleComment.objects.select_related("author", "case")[:limit])
