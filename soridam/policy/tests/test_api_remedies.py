"""The issue's acceptance over the API: an agent's 50,000 KRW refund is carried out at once, a 150,000 KRW
one waits; the lead's approval carries it out once even when posted twice; the agent's own approval is 403."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from soridam.accounts.models import User
from soridam.audit.models import AuditEntry
from soridam.cases.models import Case, EventKind
from soridam.channels.tests.fakeprovider import FakeProvider
from soridam.notifications.models import NotificationKind, OutboundMessage
from soridam.policy import execution, facts, rules
from soridam.policy.models import LedgerEntry, Remedy, RemedyKind, RuleSet
from soridam.policy.tests.conftest import make_rule_set

pytestmark = pytest.mark.django_db

ApiClient = Callable[[User], Client]


def offer(client: Client, case: Case, body: dict[str, Any], **headers: str) -> Any:
    return client.post(f"/api/v1/cases/{case.pk}/remedies", body, "application/json", headers=headers)


def decide(client: Client, remedy_id: int, approve: bool = True, comment: str = "ok") -> Any:
    body = {"approve": approve, "comment": comment}
    return client.post(f"/api/v1/remedies/{remedy_id}/decision", body, "application/json")


def test_agent_refund_within_limit_is_executed_through_the_shop_once(
    api_client: ApiClient,
    alice: User,
    order_case: Callable[..., Case],
    shop_server: FakeProvider,
    active_rules: RuleSet,
) -> None:
    case = order_case()
    response = offer(api_client(alice), case, {"kind": "refund", "amount": 50000, "reason": "late"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "executed"
    assert body["matched_rules"] == ["delivery-refund", "voucher-any"]
    refunds = shop_server.to("/refunds")
    assert len(refunds) == 1
    assert Decimal(refunds[0].json()["amount"]) == 50000
    remedy = Remedy.objects.get(pk=body["id"])
    assert refunds[0].header("Idempotency-Key") == remedy.idempotency_key
    assert (remedy.kind, remedy.claim_id, remedy.requested_by) == (RemedyKind.PARTIAL_REFUND, "RF-1", alice)
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[-2:] == [EventKind.REMEDY_REQUESTED, EventKind.REMEDY_EXECUTED]
    assert OutboundMessage.objects.filter(case=case, kind=NotificationKind.REMEDY_EXECUTED).count() == 1


def test_agent_refund_above_limit_waits_and_lead_approval_executes_once_even_posted_twice(
    api_client: ApiClient,
    alice: User,
    lena: User,
    order_case: Callable[..., Case],
    shop_server: FakeProvider,
    active_rules: RuleSet,
    django_capture_on_commit_callbacks: Any,
) -> None:
    case = order_case()
    response = offer(api_client(alice), case, {"kind": "refund", "amount": 150000})
    assert response.status_code == 201
    assert response.json()["state"] == "pending_approval"
    assert shop_server.to("/refunds") == []
    remedy_id = response.json()["id"]

    lead = api_client(lena)
    with django_capture_on_commit_callbacks(execute=True):
        first = decide(lead, remedy_id)
    second = decide(lead, remedy_id)
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json()["state"] == second.json()["state"] == "executed"
    assert len(shop_server.to("/refunds")) == 1
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[-4:] == [
        EventKind.REMEDY_REQUESTED,
        EventKind.REMEDY_APPROVAL_REQUESTED,
        EventKind.REMEDY_APPROVED,
        EventKind.REMEDY_EXECUTED,
    ]
    actions = set(AuditEntry.objects.filter(stream=f"cases.case:{case.pk}").values_list("action", flat=True))
    assert {"case.remedy_approved", "case.remedy_executed"} <= actions
    sent = [m for m in mail.outbox if case.reference in m.subject and "150,000" in m.body]
    assert len(sent) == 1, [m.body for m in mail.outbox]


def test_the_requesters_own_approval_is_refused_with_403(
    api_client: ApiClient,
    alice: User,
    order_case: Callable[..., Case],
    shop_server: FakeProvider,
    active_rules: RuleSet,
) -> None:
    case = order_case()
    client = api_client(alice)
    remedy_id = offer(client, case, {"kind": "refund", "amount": 150000}).json()["id"]
    response = decide(client, remedy_id)
    assert response.status_code == 403
    assert Remedy.objects.get(pk=remedy_id).state == "pending_approval"
    assert shop_server.to("/refunds") == []


def test_a_lead_cannot_approve_their_own_request_but_an_admin_can(
    api_client: ApiClient, lena: User, root: User, order_case: Callable[..., Case], active_rules: RuleSet
) -> None:
    case = order_case(total=3_000_000)
    remedy_id = offer(api_client(lena), case, {"kind": "refund", "amount": 2_000_000}).json()["id"]
    assert decide(api_client(lena), remedy_id).status_code == 403
    assert decide(api_client(root), remedy_id, approve=False, comment="too much").json()["state"] == "rejected"


def test_repeat_with_idempotency_key_gives_the_same_answer_and_one_remedy(
    api_client: ApiClient,
    alice: User,
    order_case: Callable[..., Case],
    shop_server: FakeProvider,
    active_rules: RuleSet,
) -> None:
    case = order_case()
    client = api_client(alice)
    first = offer(client, case, {"kind": "refund", "amount": 30000}, **{"Idempotency-Key": "k-1"})
    again = offer(client, case, {"kind": "refund", "amount": 30000}, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Remedy.objects.count() == 1
    assert len(shop_server.to("/refunds")) == 1


def test_shop_failure_stays_approved_not_executed_with_the_error_and_a_retry_executes(
    api_client: ApiClient,
    alice: User,
    order_case: Callable[..., Case],
    shop_server: FakeProvider,
    active_rules: RuleSet,
) -> None:
    shop_server.script("/refunds", (503, {}, b"{}"))
    case = order_case()
    body = offer(api_client(alice), case, {"kind": "refund", "amount": 20000}).json()
    assert body["state"] == "failed"
    remedy = Remedy.objects.get(pk=body["id"])
    assert "503" in remedy.error
    retried = execution.retry(remedy)
    assert retried.state == "executed"
    keys = {request.header("Idempotency-Key") for request in shop_server.to("/refunds")}
    assert keys == {remedy.idempotency_key}
    assert list(case.events.values_list("kind", flat=True))[-2:] == [EventKind.REMEDY_FAILED, EventKind.REMEDY_EXECUTED]


def test_outside_the_rules_needs_a_reason_code_and_justification_then_approval(
    api_client: ApiClient, alice: User, order_case: Callable[..., Case], active_rules: RuleSet
) -> None:
    case = order_case()
    client = api_client(alice)
    refused = offer(client, case, {"kind": "voucher", "amount": 60000})
    assert refused.status_code == 409
    assert "exception_reason" in refused.json()["fields"]
    body = offer(client, case, {"kind": "voucher", "amount": 20000}).json()
    assert body["state"] == "executed"
    assert LedgerEntry.objects.get(remedy_id=body["id"]).amount == 20000
    exception = offer(
        client, case, {"kind": "points", "amount": 10000, "exception_reason": "goodwill", "reason": "VIP, 3rd time"}
    ).json()
    assert exception["state"] == "pending_approval"
    remedy = Remedy.objects.get(pk=exception["id"])
    assert (remedy.within_rules, remedy.exception_reason) == (False, "goodwill")


def test_an_outsider_gets_404_and_a_customer_403(
    api_client: ApiClient, bob: User, order_case: Callable[..., Case], active_rules: RuleSet, teams: Any
) -> None:
    case = order_case()
    case.team = teams["delivery"]
    case.save(update_fields=["team"])
    assert offer(api_client(bob), case, {"kind": "apology"}).status_code == 404


def test_activating_a_rule_set_that_undercuts_a_statutory_minimum_answers_422(
    api_client: ApiClient, root: User, alice: User
) -> None:
    bad = make_rule_set(3, ("half", {"category": "product"}, [{"kind": "repair", "cap_percent": 50}]))
    response = api_client(root).post(f"/api/v1/rule-sets/{bad.pk}/activate")
    assert response.status_code == 422
    assert "half" in response.json()["fields"]["non_field_errors"][0]
    assert api_client(alice).post(f"/api/v1/rule-sets/{bad.pk}/activate").status_code == 403
    good = make_rule_set(4, ("whole", {"category": "product"}, [{"kind": "repair"}]))
    assert api_client(root).post(f"/api/v1/rule-sets/{good.pk}/activate").json()["state"] == "active"


def test_a_refund_above_what_is_left_on_the_order_is_refused(
    api_client: ApiClient, root: User, order_case: Callable[..., Case], active_rules: RuleSet
) -> None:
    case = order_case(total=200_000)
    response = offer(api_client(root), case, {"kind": "refund", "amount": 250000})
    assert response.status_code == 409
    assert "amount" in response.json()["fields"]
    assert Remedy.objects.count() == 0


def test_what_the_bot_may_offer_is_what_the_rules_allow_capped_at_an_agents_limit(
    order_case: Callable[..., Case], active_rules: RuleSet
) -> None:
    case = order_case(total=500_000)
    offers = {allowed.kind: allowed.cap for allowed in rules.auto_approvable(case, facts.case_order(case))}
    assert offers == {"full_refund": 100_000, "partial_refund": 100_000, "voucher": 30_000}
