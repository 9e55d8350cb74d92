"""The customer 360 panel on the case page and the customer page (R-CRM-3).

One query each, whatever the customer's history: the other cases with their ratings (only those the agent
may see, newest first, at most ``OTHER_CASES``), the identities, the latest answered survey among the visible
cases, the newest orders with their shops, the latest notes, the tags of the visible cases and the
repeat-contact flag. Every address, number and comment reaches the page through the masking presenter
(``soridam.privacy``).

The visible cases are read once, with their surveys, up to ``VISIBLE_CASES_READ`` of them: the other cases
and the last rating come from those rows, and the tags and remedies are then asked of their ids (a plain
``IN``, not ``cases_visible_to``'s sub-select compiled again for each). A customer with a longer history
falls back to a query for the last rating and to the sub-select.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from soridam.accounts.models import User
from soridam.cases.access import cases_visible_to
from soridam.cases.models import Case, Status, Tag
from soridam.cases.stages import Stage
from soridam.channels.kinds import Channel
from soridam.customers import profile
from soridam.customers.models import IDENTITY_KINDS, Customer, CustomerNote
from soridam.followup.churn import ChurnRisk, RetentionOffer, churn_risk, retention_offer
from soridam.followup.models import Survey
from soridam.orders.models import Order, Shop
from soridam.privacy.presenter import shown, shown_email, shown_phone

OTHER_CASES = 10
VISIBLE_CASES_READ = 200
# Plain rows with their labels looked up here: get_FOO_display builds a dict of every choice on each call.
_CASE_COLUMNS = (
    *("id", "reference", "subject", "status", "stage", "created_at"),
    *("survey__id", "survey__rating", "survey__answered_at", "survey__comment"),
)
_STATUSES = dict(Status.choices)
_STAGES = dict(Stage.choices)
_PHONE_CHANNELS = (Channel.SMS, Channel.PHONE)
_KIND_LABELS = {
    **dict(IDENTITY_KINDS),
    "kakao_plusfriend": _("KakaoTalk (channel user key)"),
    "kakao_app": _("KakaoTalk (app user id)"),
}


@dataclass(frozen=True)
class IdentityRow:
    channel: str
    shown_id: str
    verified: bool = False


@dataclass(frozen=True)
class OtherCase:
    id: int
    reference: str
    subject: str
    status: str
    stage: str
    created_at: datetime
    rating: int | None = None


@dataclass(frozen=True)
class LastRating:
    """The latest answered survey among the visible cases, with its case's reference."""

    rating: int
    case_id: int
    reference: str
    answered_at: datetime
    comment: str


@dataclass(frozen=True)
class CustomerPanel:
    customer: Customer
    other_cases: list[OtherCase]
    identities: list[IdentityRow]
    last_survey: LastRating | None
    last_survey_comment: str
    orders: list[Order]
    unavailable_shops: list[Shop]
    notes: list[CustomerNote]
    tags: list[Tag]
    repeat: profile.RepeatContact | None
    churn: ChurnRisk | None = None
    retention: RetentionOffer | None = None  # proposed through the policy engine, never carried out here
    # Every visible case of the customer, for the remedies list; None past ``VISIBLE_CASES_READ``.
    visible_case_ids: list[int] | None = None


def shown_identity(user: User, view: profile.IdentityView) -> str:
    """Addresses and numbers are masked like the customer's own fields; messenger ids like any text."""
    if view.kind == Channel.EMAIL:
        return shown_email(user, view.value)
    if view.kind in _PHONE_CHANNELS:
        return shown_phone(user, view.value)
    return shown(user, view.value)


def customer_panel(user: User, case: Case) -> CustomerPanel:
    """The panel of the case's customer; the case itself is left out of "other cases"."""
    panel = panel_for(user, case.customer, exclude_case=case.pk)
    if panel.churn is not None and panel.churn.flagged:
        return replace(panel, retention=retention_offer(case))
    return panel


def panel_for(user: User, customer: Customer, *, exclude_case: int | None = None) -> CustomerPanel:
    """The caller loaded ``customer`` under permission (``access_customer``, or a case it may see)."""
    visible = cases_visible_to(user).filter(customer_id=customer.pk)
    rows = list(visible.order_by("-created_at", "-id").values(*_CASE_COLUMNS)[: VISIBLE_CASES_READ + 1])
    ids = [row["id"] for row in rows] if len(rows) <= VISIBLE_CASES_READ else None
    survey = _last_rating(rows) if ids is not None else _last_survey(visible)
    scope: QuerySet[Case, Any] | list[int] = ids if ids is not None else visible.values("pk")
    orders = profile.recent_orders(customer.pk)
    repeat = profile.repeat_contact(customer.pk)
    return CustomerPanel(
        customer=customer,
        other_cases=_other_cases(rows, exclude_case),
        identities=[
            IdentityRow(str(_KIND_LABELS.get(view.kind, view.kind)), shown_identity(user, view), view.verified)
            for view in profile.identities_of(customer.pk)
        ],
        last_survey=survey,
        last_survey_comment=shown(user, survey.comment) if survey is not None else "",
        orders=orders,
        unavailable_shops=_unavailable_shops(orders),
        notes=profile.recent_notes(customer.pk),
        tags=list(Tag.objects.filter(cases__in=scope).distinct().order_by("name")) if scope != [] else [],
        repeat=repeat,
        churn=churn_risk(customer.pk, repeat_contact=repeat is not None),
        visible_case_ids=ids,
    )


def _other_cases(rows: list[dict[str, Any]], exclude_case: int | None) -> list[OtherCase]:
    """The newest visible cases but ``exclude_case``: the rows come newest first."""
    return [
        OtherCase(
            row["id"],
            row["reference"],
            row["subject"],
            str(_STATUSES.get(row["status"], row["status"])),
            str(_STAGES.get(row["stage"], row["stage"])),
            row["created_at"],
            row["survey__rating"],
        )
        for row in rows
        if row["id"] != exclude_case
    ][:OTHER_CASES]


def _last_rating(rows: list[dict[str, Any]]) -> LastRating | None:
    """As ``_last_survey`` orders them: the latest answer, the newer survey on a tie."""
    answered = [row for row in rows if row["survey__answered_at"] is not None and row["survey__rating"] is not None]
    if not answered:
        return None
    row = max(answered, key=lambda row: (row["survey__answered_at"], row["survey__id"]))
    return LastRating(
        row["survey__rating"], row["id"], row["reference"], row["survey__answered_at"], row["survey__comment"]
    )


def _last_survey(visible: QuerySet[Case]) -> LastRating | None:
    survey = (
        Survey.objects.filter(case__in=visible.values("pk"), answered_at__isnull=False, rating__isnull=False)
        .select_related("case")
        .order_by("-answered_at", "-id")
        .first()
    )
    if survey is None or survey.rating is None or survey.answered_at is None:
        return None
    return LastRating(survey.rating, survey.case_id, survey.case.reference, survey.answered_at, survey.comment)


def _unavailable_shops(orders: list[Order]) -> list[Shop]:
    """The shops of these orders that cannot be reached now: their orders are as of ``last_synced_at``."""
    shops = {order.shop_id: order.shop for order in orders}
    return [shop for shop in shops.values() if shop.unavailable_since is not None]
