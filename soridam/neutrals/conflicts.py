"""The conflict graph (R-ODR-8): what ties a neutral to either party of a dispute, and who may be drawn.

The two sides of a dispute: the claimant (a customer, and the user account it may have) and the respondent.
The respondent is the business itself, or, in a marketplace (``SORIDAM_ODR_MARKETPLACE``), the shop the
dispute names. When the respondent is the business, every shop is its shop and every member of its staff
its employee; that errs towards conflict, as a doubtful neutral can be replaced and a biased one cannot.

A neutral conflicts when any of these holds:

- employment: the neutral's account is active support staff of a business respondent, or a declared
  employment tie names the respondent;
- cases: within ``LOOKBACK`` before ``at``, the neutral, as a staff user, handled (was assigned, or wrote on)
  a case of the claimant, or of the respondent (a case linked to an order of its shop; any case of a
  business respondent);
- transactions: within ``LOOKBACK``, an order the neutral placed (as the buyer: the customer record of their
  account, or their account's e-mail) with the respondent;
- declared ties (family, financial, employment, transaction, other) to the claimant, the claimant's account,
  the respondent's shop, the business, or a staff member of a business respondent, unless the tie ended
  more than ``LOOKBACK`` before ``at``;
- the neutral is a party (their account is the claimant's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.accounts.models import STAFF_ROLES, User
from soridam.cases.models import Case, Message
from soridam.neutrals.models import OPEN_DRAW_STATES, DrawState, Neutral, Party, Tie, TieKind
from soridam.odr.models import Dispute, DisputeState
from soridam.orders.models import CaseOrder, Order

LOOKBACK = timedelta(days=3 * 365 + 1)  # "cases with either party in the last 3 years" (SPEC R-ODR-8)
ENDED_DISPUTE_STATES = frozenset(
    {DisputeState.SETTLED, DisputeState.WITHDRAWN, DisputeState.REFERRED, DisputeState.CLOSED}
)


class ConflictKind:
    PARTY = "party"
    EMPLOYMENT = "employment"
    CASE = "case"
    TRANSACTION = "transaction"
    FAMILY = TieKind.FAMILY.value
    FINANCIAL = TieKind.FINANCIAL.value
    OTHER = TieKind.OTHER.value


KIND_LABELS = {
    ConflictKind.PARTY: _("is a party"),
    ConflictKind.EMPLOYMENT: _("employment"),
    ConflictKind.CASE: _("handled a case of the party within 3 years"),
    ConflictKind.TRANSACTION: _("orders with the party within 3 years"),
    ConflictKind.FAMILY: _("family tie"),
    ConflictKind.FINANCIAL: _("financial tie"),
    ConflictKind.OTHER: _("other declared tie"),
}


@dataclass(frozen=True)
class Conflict:
    kind: str  # a ConflictKind
    party: Party
    detail: str  # ids only: no names or customer text

    def label(self) -> str:
        return str(KIND_LABELS[self.kind])


def respondent_is_business(dispute: Dispute) -> bool:
    return respondent_shop_id(dispute) is None


def respondent_shop_id(dispute: Dispute) -> int | None:
    """The respondent's shop in a marketplace; None when the business itself (every shop) is the respondent."""
    return dispute.shop_id if settings.SORIDAM_ODR_MARKETPLACE else None


def is_staff_account(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.role in STAFF_ROLES)


def conflicts(neutral: Neutral, dispute: Dispute, at: datetime | None = None) -> list[Conflict]:
    """Every conflict of ``neutral`` with the parties of ``dispute`` as of ``at`` (default now). Reads the
    database; changes nothing."""
    at = at or timezone.now()
    since = at - LOOKBACK
    found = _party_conflicts(neutral, dispute)
    found += _declared(neutral, dispute, (at - LOOKBACK).date())
    found += _cases(neutral, dispute, since, at)
    found += _orders(neutral, dispute, since, at)
    return found


def _party_conflicts(neutral: Neutral, dispute: Dispute) -> list[Conflict]:
    found = []
    if dispute.claimant.user_id is not None and dispute.claimant.user_id == neutral.user_id:
        found.append(Conflict(ConflictKind.PARTY, Party.CLAIMANT, f"user:{neutral.user_id}"))
    if respondent_is_business(dispute) and is_staff_account(neutral.user):
        found.append(Conflict(ConflictKind.EMPLOYMENT, Party.RESPONDENT, f"staff:{neutral.user_id}"))
    return found


def _declared(neutral: Neutral, dispute: Dispute, lapsed_before: date) -> list[Conflict]:
    ties = Tie.objects.filter(neutral=neutral).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=lapsed_before))
    found = []
    for tie in ties.select_related("user"):
        party = _side_of(tie, dispute)
        if party is not None:
            found.append(Conflict(str(tie.kind), party, f"tie:{tie.pk}"))  # tie kinds are conflict kinds
    return found


def _side_of(tie: Tie, dispute: Dispute) -> Party | None:
    """Which party a declared tie reaches, if any."""
    claimant = dispute.claimant
    if tie.customer_id is not None and tie.customer_id == claimant.pk:
        return Party.CLAIMANT
    if tie.user_id is not None and tie.user_id == claimant.user_id:
        return Party.CLAIMANT
    business = respondent_is_business(dispute)
    if tie.business:
        return Party.RESPONDENT if business else None
    if tie.shop_id is not None and (business or tie.shop_id == dispute.shop_id):
        return Party.RESPONDENT
    if tie.user is not None and business and is_staff_account(tie.user):
        return Party.RESPONDENT
    return None


def _handled_by(user_id: int, since: datetime, at: datetime) -> QuerySet[Case]:
    wrote = Message.objects.filter(author_user_id=user_id, created_at__gte=since, created_at__lte=at)
    assigned = Q(assignee_id=user_id, updated_at__gte=since, created_at__lte=at)
    return Case.objects.filter(assigned | Q(pk__in=wrote.values("case_id")))


def _cases(neutral: Neutral, dispute: Dispute, since: datetime, at: datetime) -> list[Conflict]:
    handled = _handled_by(neutral.user_id, since, at)
    found = []
    claimant_case = handled.filter(customer_id=dispute.claimant_id).values_list("pk", flat=True).first()
    if claimant_case is not None:
        found.append(Conflict(ConflictKind.CASE, Party.CLAIMANT, f"case:{claimant_case}"))
    shop_id = respondent_shop_id(dispute)
    if shop_id is None:
        respondent_case = handled.values_list("pk", flat=True).first()
    else:
        linked = CaseOrder.objects.filter(order__shop_id=shop_id).values("case_id")
        respondent_case = handled.filter(pk__in=linked).values_list("pk", flat=True).first()
    if respondent_case is not None:
        found.append(Conflict(ConflictKind.CASE, Party.RESPONDENT, f"case:{respondent_case}"))
    return found


def _orders(neutral: Neutral, dispute: Dispute, since: datetime, at: datetime) -> list[Conflict]:
    buyer = Q(customer__user_id=neutral.user_id)
    if neutral.user.email:
        buyer |= Q(buyer_email__iexact=neutral.user.email)
    orders = Order.objects.filter(buyer, placed_at__gte=since, placed_at__lte=at)
    shop_id = respondent_shop_id(dispute)
    if shop_id is not None:
        orders = orders.filter(shop_id=shop_id)
    order_id = orders.values_list("pk", flat=True).first()
    return [] if order_id is None else [Conflict(ConflictKind.TRANSACTION, Party.RESPONDENT, f"order:{order_id}")]


def available_neutrals(at: datetime) -> QuerySet[Neutral]:
    """Neutrals on the roster, not away, with room for one more open mediation (a draw being decided counts)."""
    busy = Q(draws__state__in=[*OPEN_DRAW_STATES, DrawState.APPOINTED]) & ~Q(
        draws__dispute__state__in=ENDED_DISPUTE_STATES
    )
    local_day = timezone.localtime(at).date()
    roster = Neutral.objects.filter(active=True, user__is_active=True)
    roster = roster.filter(Q(unavailable_until__isnull=True) | Q(unavailable_until__lt=local_day))
    roster = roster.annotate(open_count=Count("draws", filter=busy, distinct=True))
    return roster.filter(open_count__lt=F("max_open_cases")).select_related("user")


def eligible_ids(dispute: Dispute, at: datetime, *, excluding: set[int] | frozenset[int] = frozenset()) -> list[int]:
    """Ids of the neutrals who may be drawn for ``dispute`` at ``at``, sorted: available, not excluded, and
    without any conflict."""
    candidates = available_neutrals(at).exclude(pk__in=list(excluding))
    return sorted(neutral.pk for neutral in candidates if not conflicts(neutral, dispute, at))
