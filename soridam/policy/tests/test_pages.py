"""The case page's remedy section, the approvals queue, the policy report, rule comments and the admin."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from soridam.accounts.models import User
from soridam.alerts.models import Alert, AlertKind
from soridam.cases.models import Case, EventKind
from soridam.channels.tests.fakeprovider import FakeProvider
from soridam.policy import escalation
from soridam.policy.models import Remedy, RemedyState, RuleComment, RuleSet, RuleSetState
from soridam.policy.tests.conftest import make_rule_set

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_case_page_loads_the_remedy_section_which_shows_caps_and_matched_rules(
    alice: User, order_case: Callable[..., Case], active_rules: RuleSet
) -> None:
    case = order_case(total=200_000)
    client = client_for(alice)
    page = client.get(f"/workspace/cases/{case.pk}/").content.decode()
    assert f"/workspace/cases/{case.pk}/remedies/" in page
    section = client.get(f"/workspace/cases/{case.pk}/remedies/").content.decode()
    assert "delivery-refund" in section
    assert "voucher-any" in section
    assert "50,000 KRW" in section  # the voucher's cap
    assert "100,000 KRW" in section  # alice's refund limit
    assert 'name="remedy-exception_reason"' in section


def test_offering_over_htmx_answers_the_section_with_the_new_remedy(
    alice: User, order_case: Callable[..., Case], active_rules: RuleSet, shop_server: FakeProvider
) -> None:
    case = order_case()
    data = {"remedy-kind": "voucher", "remedy-amount": "10000", "remedy-reason": "sorry"}
    response = client_for(alice).post(f"/workspace/cases/{case.pk}/remedies/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Carried out" in response.content.decode() or "처리 완료" in response.content.decode()
    assert Remedy.objects.get(case=case).state == RemedyState.EXECUTED


def test_an_exception_without_a_reason_is_refused_on_the_form(
    alice: User, order_case: Callable[..., Case], active_rules: RuleSet
) -> None:
    case = order_case()
    data = {"remedy-kind": "voucher", "remedy-amount": "90000"}
    response = client_for(alice).post(f"/workspace/cases/{case.pk}/remedies/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert Remedy.objects.count() == 0


def test_lead_approves_from_the_queue_and_the_shop_is_called_once(
    alice: User, lena: User, order_case: Callable[..., Case], active_rules: RuleSet, shop_server: FakeProvider
) -> None:
    case = order_case()
    data = {"remedy-kind": "partial_refund", "remedy-amount": "150000", "remedy-reason": "broken"}
    client_for(alice).post(f"/workspace/cases/{case.pk}/remedies/", data)
    remedy = Remedy.objects.get(case=case)
    assert remedy.state == RemedyState.PENDING_APPROVAL
    assert client_for(alice).get("/workspace/approvals/").status_code == 403
    lead = client_for(lena)
    queue = lead.get("/workspace/approvals/").content.decode()
    assert case.reference in queue
    assert "150,000 KRW" in queue
    assert "delivery-refund" in queue
    lead.post(f"/workspace/remedies/{remedy.pk}/decision/", {"approve": "1", "comment": "fine"})
    lead.post(f"/workspace/remedies/{remedy.pk}/decision/", {"approve": "1", "comment": "fine"})
    remedy.refresh_from_db()
    assert (remedy.state, remedy.decided_by, remedy.decision_comment) == (RemedyState.EXECUTED, lena, "fine")
    assert len(shop_server.to("/refunds")) == 1
    assert case.reference not in lead.get("/workspace/approvals/").content.decode()


def test_overdue_approval_escalates_once_to_the_team_leads(
    alice: User, lena: User, order_case: Callable[..., Case], active_rules: RuleSet, teams: Any
) -> None:
    case = order_case()
    case.team = teams["delivery"]
    case.save(update_fields=["team"])
    client_for(alice).post(
        f"/workspace/cases/{case.pk}/remedies/", {"remedy-kind": "partial_refund", "remedy-amount": "150000"}
    )
    remedy = Remedy.objects.get(case=case)
    assert remedy.approval_due_at is not None
    assert remedy.approval_due_at > timezone.now()
    assert escalation.escalate_overdue() == 0
    later = remedy.approval_due_at + timedelta(minutes=1)
    assert escalation.escalate_overdue(now=later) == 1
    assert escalation.escalate_overdue(now=later) == 0
    assert Alert.objects.filter(recipient=lena, kind=AlertKind.APPROVAL_OVERDUE, case=case).count() == 1
    assert case.events.filter(kind=EventKind.SLA_ESCALATED).count() == 1


def test_report_shows_outcomes_per_rule_and_a_proposal_after_five_repeated_exceptions(
    alice: User, lena: User, order_case: Callable[..., Case], active_rules: RuleSet, shop_server: FakeProvider
) -> None:
    case = order_case()
    agent = client_for(alice)
    agent.post(f"/workspace/cases/{case.pk}/remedies/", {"remedy-kind": "voucher", "remedy-amount": "10000"})
    exception = {"remedy-kind": "points", "remedy-amount": "5000", "remedy-exception_reason": "carrier_fault"}
    for number in range(4):
        agent.post(f"/workspace/cases/{case.pk}/remedies/", {**exception, "remedy-reason": f"box {number}"})
    lead = client_for(lena)
    page = lead.get("/workspace/policy/report/").content.decode()
    assert "voucher-any" in page
    assert "10,000 KRW" in page
    assert "carrier_fault" in page
    assert "alice" in page
    assert 'class="policy-proposals"' not in page
    agent.post(f"/workspace/cases/{case.pk}/remedies/", {**exception, "remedy-reason": "box 5"})
    page = lead.get("/workspace/policy/report/").content.decode()
    assert 'class="policy-proposals"' in page
    assert client_for(alice).get("/workspace/policy/report/").status_code == 403


def test_agent_comments_on_a_matched_rule_from_the_case(
    alice: User, order_case: Callable[..., Case], active_rules: RuleSet
) -> None:
    case = order_case()
    client_for(alice).post(
        f"/workspace/cases/{case.pk}/rule-comments/", {"rule-rule_code": "voucher-any", "rule-body": "Too low for VIPs"}
    )
    comment = RuleComment.objects.get()
    assert (comment.rule_code, comment.case, comment.author) == ("voucher-any", case, alice)


def test_recent_remedies_include_lists_the_customers_last_twelve_months(
    alice: User, order_case: Callable[..., Case], active_rules: RuleSet
) -> None:
    case = order_case()
    client_for(alice).post(f"/workspace/cases/{case.pk}/remedies/", {"remedy-kind": "voucher", "remedy-amount": "7000"})
    old = Remedy.objects.get()
    Remedy.objects.filter(pk=old.pk).update(requested_at=timezone.now() - timedelta(days=400))
    client_for(alice).post(f"/workspace/cases/{case.pk}/remedies/", {"remedy-kind": "voucher", "remedy-amount": "8000"})
    html = render_to_string("policy/_recent_remedies.html", {"customer": case.customer, "user": alice})
    assert "8,000 KRW" in html
    assert "7,000 KRW" not in html
    panel = client_for(alice).get(f"/workspace/customers/{case.customer_id}/").content.decode()
    assert "8,000 KRW" in panel


def test_admin_refuses_to_activate_a_rule_set_that_undercuts_the_withdrawal_refund(root: User) -> None:
    bad = make_rule_set(5, ("stingy", {"max_days_since_delivery": 7}, [{"kind": "full_refund", "cap_percent": 50}]))
    client = client_for(root)
    response = client.post("/admin/policy/ruleset/", {"action": "activate", "_selected_action": [bad.pk]}, follow=True)
    assert "stingy" in response.content.decode()
    bad.refresh_from_db()
    assert bad.state == RuleSetState.DRAFT
    fine = make_rule_set(6, ("fair", {"max_days_since_delivery": 7}, [{"kind": "full_refund", "cap_percent": 100}]))
    client.post("/admin/policy/ruleset/", {"action": "activate", "_selected_action": [fine.pk]})
    fine.refresh_from_db()
    assert fine.state == RuleSetState.ACTIVE
