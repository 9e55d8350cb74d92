"""The churn-risk flag on a customer (R-FOLLOW-5) and the retention remedy it proposes.

Signals, each worth points within ``WINDOW_DAYS``: a repeat-contact flag (``customers.profile``, 1), each
low score (CSAT ≤ 2 or NPS ≤ 6, 1 each), each dispute the customer filed (``odr.Dispute``, 2). Two points
flag the customer. The flag proposes a remedy through the policy engine (what the active rules let an
agent offer without approval, preferring a voucher or points); it is never carried out from here: an
agent offers it through the remedy form, and policy decides as for any remedy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F, Func, Q, QuerySet, Subquery
from django.utils import timezone

from soridam.cases.models import Case
from soridam.customers import profile
from soridam.customers.models import Customer
from soridam.followup.models import NpsSurvey, Survey
from soridam.odr.models import Dispute
from soridam.orders.models import CaseOrder
from soridam.policy.models import RemedyKind
from soridam.policy.proposals import proposable

WINDOW_DAYS = 180
FLAG_AT = 2
RETENTION_KINDS = (RemedyKind.VOUCHER, RemedyKind.POINTS, RemedyKind.POSTAGE_WAIVER, RemedyKind.APOLOGY)


@dataclass(frozen=True)
class ChurnRisk:
    repeat_contact: bool
    low_scores: int
    disputes: int

    @property
    def points(self) -> int:
        return int(self.repeat_contact) + self.low_scores + 2 * self.disputes

    @property
    def flagged(self) -> bool:
        return self.points >= FLAG_AT


def churn_risk(customer_id: int, *, repeat_contact: bool | None = None) -> ChurnRisk:
    """``repeat_contact``: the flag when the caller has it already (the 360 panel), else read here."""
    if repeat_contact is None:
        repeat_contact = profile.repeat_contact(customer_id) is not None
    since = timezone.now() - timedelta(days=WINDOW_DAYS)
    # The three counts in one statement: the case page shows the flag on every view (bench/case_page.py).
    counts = Customer.objects.filter(pk=customer_id).values(
        low_csat_count=_count(
            Survey.objects.filter(case__customer_id=customer_id, rating__lte=2, answered_at__gte=since)
        ),
        low_nps_count=_count(NpsSurvey.objects.filter(customer_id=customer_id, score__lte=6, answered_at__gte=since)),
        dispute_count=_count(Dispute.objects.filter(Q(claimant_id=customer_id) | Q(case__customer_id=customer_id))),
    )
    found = counts.first() or {"low_csat_count": 0, "low_nps_count": 0, "dispute_count": 0}
    return ChurnRisk(repeat_contact, found["low_csat_count"] + found["low_nps_count"], found["dispute_count"])


def _count(rows: QuerySet[Any]) -> Subquery:
    """``SELECT COUNT(*)`` of ``rows`` as a scalar sub-select (a plain Func: no GROUP BY, always one row)."""
    return Subquery(rows.order_by().annotate(counted=Func(F("pk"), function="COUNT")).values("counted"))


@dataclass(frozen=True)
class RetentionOffer:
    kind: str
    label: str
    cap: Decimal | None  # None: no cap


def retention_offer(case: Case) -> RetentionOffer | None:
    """The remedy to propose to a flagged customer on this case: the first retention kind the active rules
    allow without approval (with its cap); None when policy allows none of them."""
    link = CaseOrder.objects.filter(case=case).select_related("order").order_by("-linked_at", "-pk").first()
    order = link.order if link is not None else None
    # From the per-process copy of the active rules (``policy.proposals``): a proposal, not a grant.
    allowed = {offer.kind: offer for offer in proposable(case, order)}
    kind = next((kind for kind in RETENTION_KINDS if kind in allowed), None)
    return None if kind is None else RetentionOffer(kind, str(kind.label), allowed[kind].cap)
