"""The phone log: calls recorded on a case from the workspace (htmx form, call list, the page's query budget)
and the "log a call" page that finds or creates the customer by number and opens a case when none is named."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.audit.models import AuditEntry
from soridam.cases import actions
from soridam.cases.models import Case, EventKind, MessageKind
from soridam.cases.phone_actions import CallDetails, log_call
from soridam.channels.phone.models import PhoneCall
from soridam.customers.actions import Contact
from soridam.customers.models import Customer
from soridam.workspace.tests.budgets import CASE_PAGE_QUERIES
from soridam.workspace.tests.conftest import HTMX

pytestmark = pytest.mark.django_db
MASKED = "+8210****5678"  # the number in E.164 (R-CRM-1), masked

CALL = {
    "direction": "in",
    "number": "+82 10-1234-5678",
    "started_at": "2026-12-07T10:15",
    "duration": "3:20",
    "summary": "배송 지연 문의, 내일 도착 안내함",
}


def test_a_call_on_the_case_page_becomes_a_note_a_call_row_and_an_audit_entry(
    alice: User, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    case.customer.phone = "01012345678"
    case.customer.save()
    response = alice_client.post(f"/workspace/cases/{case.pk}/calls/", CALL, **HTMX)
    assert response.status_code == 200

    call = PhoneCall.objects.get()
    assert (call.case, call.customer, call.agent, call.number) == (case, case.customer, alice, "01012345678")
    assert (call.direction, call.duration_seconds, call.summary) == ("in", 200, CALL["summary"])
    assert call.message.kind == MessageKind.NOTE
    assert call.message.body.endswith(" (3:20): 배송 지연 문의, 내일 도착 안내함")
    assert case.events.filter(kind=EventKind.NOTE, message=call.message).exists()
    assert AuditEntry.objects.filter(action="case.phone_call", data__call=call.pk).exists()
    listed = response.content.decode().split('id="call-list"')[1].split("</ul>")[0]
    assert "3:20" in listed
    assert "2026-12-07 10:15" in listed
    assert MASKED in listed  # the number, masked for an agent
    assert "01012345678" not in listed


def test_a_call_with_a_bad_number_or_duration_is_refused_and_stores_nothing(
    alice_client: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    for field, value in (("number", "12"), ("duration", "three minutes"), ("duration", "2000:00")):
        response = alice_client.post(f"/workspace/cases/{case.pk}/calls/", {**CALL, field: value}, **HTMX)
        assert response.status_code in (400, 409), (field, value)
        assert 'aria-invalid="true"' in response.content.decode() or "errorlist" in response.content.decode()
    assert not PhoneCall.objects.exists()
    assert not case.messages.filter(kind=MessageKind.NOTE).exists()


def test_an_outsider_cannot_log_a_call_on_a_case_they_cannot_see(
    bob_client: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case()  # a delivery case; bob is in payments
    assert bob_client.post(f"/workspace/cases/{case.pk}/calls/", CALL, **HTMX).status_code == 404
    assert not PhoneCall.objects.exists()


def test_the_log_a_call_page_creates_the_customer_by_number_and_opens_a_phone_case(
    alice: User, alice_client: Client
) -> None:
    assert alice_client.get("/workspace/calls/new/").status_code == 200
    response = alice_client.post("/workspace/calls/new/", {**CALL, "name": "박서준"})
    call = PhoneCall.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/workspace/cases/{call.case_id}/"
    case = call.case
    assert (case.channel, case.customer.name, case.customer.phone) == ("phone", "박서준", "01012345678")
    assert call.customer == case.customer
    assert call.message == case.messages.get()  # the summary is the case's first message
    assert case.subject == CALL["summary"]

    # The same line typed another way finds the same customer: a second call opens a second case for them.
    alice_client.post("/workspace/calls/new/", {**CALL, "number": "010 1234 5678", "name": "", "summary": "교환 문의"})
    assert Customer.objects.count() == 1
    assert Case.objects.filter(customer=case.customer).count() == 2


def test_the_log_a_call_page_puts_a_call_on_the_named_case(
    alice: User, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    response = alice_client.post("/workspace/calls/new/", {**CALL, "direction": "out", "case": case.reference})
    assert response.status_code == 302
    call = PhoneCall.objects.get()
    assert (call.case, call.direction, call.message.kind) == (case, "out", MessageKind.NOTE)
    # Not the case's customer's number: matched to nobody, and no customer is created for it.
    assert call.customer is None
    assert Customer.objects.count() == 1

    alice.language = "en"  # the error is read in English
    alice.save()
    missing = alice_client.post("/workspace/calls/new/", {**CALL, "case": "NOPE-1"})
    assert missing.status_code == 400
    assert "No case you can see has this reference." in missing.content.decode()
    assert PhoneCall.objects.count() == 1


def test_the_case_page_with_many_calls_keeps_its_query_budget(
    alice: User, alice_client: Client, make_case: Callable[..., Case], django_assert_max_num_queries: Any
) -> None:
    case = make_case()
    for n in range(15):
        actions.reply(case, f"reply {n}", actor=Actor(user=alice))
        details = CallDetails("out", "010-1234-5678", case.created_at, 60 + n, f"call {n}")
        log_call(case, details, actor=Actor(user=alice))
    alice_client.get(f"/workspace/cases/{case.pk}/")  # the per-process copies (staff, macros, categories)
    # The same budget as tests in workspace (test_case_page_query_count_does_not_grow_with_messages): the calls
    # come with the messages.
    with django_assert_max_num_queries(CASE_PAGE_QUERIES):
        response = alice_client.get(f"/workspace/cases/{case.pk}/")
    listed = response.content.decode().split('id="call-list"')[1].split("</ul>")[0]
    assert listed.count("<li>") == 15
    assert PhoneCall.objects.filter(case=case).count() == 15


def test_a_call_from_a_customer_with_a_phone_identity_is_matched_to_them(alice: User) -> None:
    known = actions.open_case(
        actions.NewCase("문의", "전화 주세요", Contact(name="이하은", phone="010-2222-3333"), channel="phone")
    )
    other = actions.open_case(actions.NewCase("문의", "메일", Contact(name="최", email="c@example.kr")))
    call = log_call(
        other, CallDetails("in", "+821022223333", other.created_at, 30, "다른 번호로 전화"), actor=Actor(user=alice)
    )
    assert call.customer == known.customer


def test_a_call_from_a_number_on_an_email_customer_opens_the_case_for_them(alice: User, alice_client: Client) -> None:
    known = actions.open_case(actions.NewCase("문의", "메일", Contact(name="최유나", email="yuna@example.kr"))).customer
    known.phone = "01012345678"
    known.save()
    alice_client.post("/workspace/calls/new/", {**CALL, "name": "다른 이름"})
    call = PhoneCall.objects.get()
    assert call.case.customer == known
    assert call.customer == known
    assert Customer.objects.count() == 1
