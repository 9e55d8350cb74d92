"""Loading remedies under permission: a remedy is visible to whoever may see its case (R-SEC-1)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from soridam.accounts.models import User
from soridam.cases.access import access_case, cases_visible_to
from soridam.cases.models import Case
from soridam.policy.models import Remedy


def remedies_visible_to(user: User) -> QuerySet[Remedy]:
    if not user.is_support_staff:
        return Remedy.objects.none()
    return Remedy.objects.filter(case__in=cases_visible_to(user))


def access_remedy(user: User, remedy_id: int) -> Remedy:
    try:
        return remedies_visible_to(user).select_related("case", "order").get(pk=remedy_id)
    except (Remedy.DoesNotExist, ValueError):
        raise Http404 from None


def lock_remedy(user: User, remedy_id: int) -> tuple[Case, Remedy]:
    """The remedy's case and the remedy, both row-locked, in that order (as ``execution`` locks them)."""
    case_id = access_remedy(user, remedy_id).case_id
    case = access_case(user, case_id, for_update=True)
    return case, Remedy.objects.select_for_update().get(pk=remedy_id)
