"""Loading a follow-up row from a signed link, under its row lock: 404 for a forged, expired or unknown
link (the pages turn that into a friendly page), so nothing is stored for one."""

from __future__ import annotations

from django.http import Http404

from soridam.cases.models import Case
from soridam.customers.models import Customer
from soridam.followup import links
from soridam.followup.models import CheckIn, NpsSurvey


def access_check_in_by_token(token: str, *, for_update: bool = False) -> CheckIn:
    check_in_id = links.check_in_id_of(token)
    rows = CheckIn.objects.select_related("case")
    if for_update:
        rows = rows.select_for_update(of=("self",))  # the case is locked next (``lock_case``), in that order
    check_in = rows.filter(pk=check_in_id).first() if check_in_id is not None else None
    if check_in is None or check_in.sent_at is None:
        raise Http404
    return check_in


def access_nps_by_token(token: str, *, for_update: bool = False) -> NpsSurvey:
    nps_id = links.nps_id_of(token)
    rows = NpsSurvey.objects.all()
    if for_update:
        rows = rows.select_for_update()
    survey = rows.filter(pk=nps_id).first() if nps_id is not None else None
    if survey is None or not survey.is_open or survey.case_id is None:
        raise Http404
    return survey


def lock_case(case_id: int) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("customer", "team").get(pk=case_id)


def access_customer_by_opt_out(token: str, *, for_update: bool = False) -> Customer:
    customer_id = links.customer_id_of_opt_out(token)
    rows = Customer.objects.select_for_update() if for_update else Customer.objects.all()
    customer = rows.filter(pk=customer_id).first() if customer_id is not None else None
    if customer is None:
        raise Http404
    return customer
