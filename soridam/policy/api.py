"""Remedy endpoints: offer a remedy on a case, decide on one, read one (R-POLICY, the issue's §9).

Thin views over ``cases.remedy_actions`` (in one transaction with the case's row lock) and, once that has
committed, ``execution`` (the shop is called outside the request's locks).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import P, PathEx, Router, Schema, Status
from pydantic import Field

from soridam.accounts.api import MAX_ID, staff_user
from soridam.audit.actors import Actor
from soridam.cases import remedy_actions
from soridam.cases.access import access_case
from soridam.lib.api_errors import ApiError
from soridam.policy import execution, rules
from soridam.policy.access import access_remedy, lock_remedy
from soridam.policy.models import Remedy, RuleSet

router = Router(tags=["remedies"])
Id = PathEx[int, P(ge=1, le=MAX_ID)]


class RemedyIn(Schema):
    kind: str = Field(max_length=20, description="full_refund, partial_refund, refund, exchange, repair, …")
    amount: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    reason: str = Field(default="", max_length=2000)
    exception_reason: str = Field(default="", max_length=20)


class DecisionIn(Schema):
    approve: bool
    comment: str = Field(default="", max_length=2000)


class RemedyOut(Schema):
    id: int
    state: str
    kind: str
    amount: Decimal
    matched_rules: list[str]
    within_rules: bool
    exception_reason: str
    error: str
    claim_id: str


@router.post("/cases/{case_id}/remedies", response={201: RemedyOut}, url_name="api_case_remedies")
def offer_remedy(request: HttpRequest, payload: RemedyIn, case_id: Id) -> Status[Remedy]:
    """Within the rules and the caller's authority limit it is carried out at once; otherwise it waits."""
    user = staff_user(request)
    wanted = remedy_actions.RemedyRequest(payload.kind, payload.amount, payload.reason, payload.exception_reason)
    with transaction.atomic():
        case = access_case(user, case_id, for_update=True)
        remedy = remedy_actions.request_remedy(case, wanted, actor=user)
    return Status(201, execution.execute_if_approved(remedy))


@router.post("/remedies/{remedy_id}/decision", response=RemedyOut, url_name="api_remedy_decision")
def decide(request: HttpRequest, payload: DecisionIn, remedy_id: Id) -> Remedy:
    """Approvers only (403 for the requester); a repeated decision answers the remedy's state."""
    user = staff_user(request)
    with transaction.atomic():
        case, remedy = lock_remedy(user, remedy_id)
        remedy_actions.decide_remedy(case, remedy, approve=payload.approve, comment=payload.comment, actor=user)
    return execution.execute_if_approved(remedy)


class RuleSetOut(Schema):
    id: int
    version: int
    state: str


@router.post("/rule-sets/{rule_set_id}/activate", response=RuleSetOut, url_name="api_rule_set_activate")
def activate_rule_set(request: HttpRequest, rule_set_id: Id) -> RuleSet:
    """Admins only. A set whose rules allow less than a statutory minimum is refused (422, naming them)."""
    user = staff_user(request)
    if not user.is_admin_role:
        raise ApiError(403, "forbidden", _("Only an admin may activate rules."))
    rule_set = RuleSet.objects.filter(pk=rule_set_id).first()
    if rule_set is None:
        raise Http404
    return rules.activate(rule_set, actor=Actor(user=user))


@router.get("/remedies/{remedy_id}", response=RemedyOut, url_name="api_remedy")
def get_remedy(request: HttpRequest, remedy_id: Id) -> Remedy:
    return access_remedy(staff_user(request), remedy_id)
