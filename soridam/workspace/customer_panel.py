"""The customer panel on the case page: the customer's other cases, how we know them, their last rating.

Three queries, whatever the customer's history: the other cases (only those the agent may see, newest
first, at most ``OTHER_CASES``), the identities, and the latest answered survey among the visible cases.
Every address, number and comment reaches the page through the masking presenter (``soridam.privacy``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from soridam.accounts.models import User
from soridam.cases.access import cases_visible_to
from soridam.cases.models import Case, Status
from soridam.cases.stages import Stage
from soridam.channels.kinds import Channel
from soridam.customers.models import Identity
from soridam.followup.models import Survey
from soridam.privacy.presenter import shown, shown_email, shown_phone

OTHER_CASES = 10
# Plain rows with their labels looked up here: get_FOO_display builds a dict of every choice on each call.
_OTHER_CASE_COLUMNS = ("id", "reference", "subject", "status", "stage", "created_at")
_STATUSES = dict(Status.choices)
_STAGES = dict(Stage.choices)
_PHONE_CHANNELS = (Channel.SMS, Channel.PHONE)


@dataclass(frozen=True)
class IdentityRow:
    channel: str
    shown_id: str


@dataclass(frozen=True)
class OtherCase:
    id: int
    reference: str
    subject: str
    status: str
    stage: str
    created_at: datetime


@dataclass(frozen=True)
class CustomerPanel:
    other_cases: list[OtherCase]
    identities: list[IdentityRow]
    last_survey: Survey | None
    last_survey_comment: str


def shown_identity(user: User, identity: Identity) -> str:
    """Addresses and numbers are masked like the customer's own fields; messenger ids like any text."""
    if identity.channel == Channel.EMAIL:
        return shown_email(user, identity.external_id)
    if identity.channel in _PHONE_CHANNELS:
        return shown_phone(user, identity.external_id)
    return shown(user, identity.external_id)


def customer_panel(user: User, case: Case) -> CustomerPanel:
    visible = cases_visible_to(user).filter(customer_id=case.customer_id)
    others = [
        OtherCase(
            row["id"],
            row["reference"],
            row["subject"],
            str(_STATUSES.get(row["status"], row["status"])),
            str(_STAGES.get(row["stage"], row["stage"])),
            row["created_at"],
        )
        for row in visible.exclude(pk=case.pk).order_by("-created_at", "-id").values(*_OTHER_CASE_COLUMNS)[:OTHER_CASES]
    ]
    labels = dict(Channel.choices)
    identities = [
        IdentityRow(str(labels.get(identity.channel, identity.channel)), shown_identity(user, identity))
        for identity in Identity.objects.filter(customer_id=case.customer_id).order_by("channel", "id")
    ]
    survey = (
        Survey.objects.filter(case__in=visible.values("pk"), answered_at__isnull=False, rating__isnull=False)
        .select_related("case")
        .order_by("-answered_at", "-id")
        .first()
    )
    comment = shown(user, survey.comment) if survey is not None else ""
    return CustomerPanel(others, identities, survey, comment)
