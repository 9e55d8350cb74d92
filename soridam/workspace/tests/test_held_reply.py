"""A reply composed on a case that changed since the page was opened is held with a notice (issue 14 §5)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case
from soridam.notifications.models import OutboundMessage
from soridam.workspace.tests.conftest import HTMX

pytestmark = pytest.mark.django_db


def _seen_on_page(client: Client, case: Case) -> str:
    page = client.get(f"/workspace/cases/{case.pk}/").content.decode()
    found = re.search(r'name="seen" value="(\d+)"', page)
    assert found is not None
    return found.group(1)


def _replies(case: Case) -> list[str]:
    return list(case.messages.filter(kind="reply").values_list("body", flat=True))


def _customer_writes(case: Case, text: str) -> None:
    actions.receive_customer_message(case, text, actor=Actor(customer=case.customer), channel="web")


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain-post"])
def test_reply_to_a_changed_case_is_held_then_sent_once_anyway(
    alice_client: Client, make_case: Callable[..., Case], htmx: bool
) -> None:
    case = make_case()
    seen = _seen_on_page(alice_client, case)
    _customer_writes(case, "주소를 바꿨어요")
    outbox_before = OutboundMessage.objects.count()
    headers = HTMX if htmx else {}
    data = {"body": "곧 보내드릴게요.", "then": "waiting", "seen": seen}

    held = alice_client.post(f"/workspace/cases/{case.pk}/reply/", data, **headers)

    assert held.status_code == 409
    page = held.content.decode()
    assert 'id="reply-held"' in page
    assert "곧 보내드릴게요." in page  # the reply is kept in the form
    assert "김민지" in page  # the notice names who changed the case
    assert 'id="reply-send-anyway"' in page
    assert 'value="waiting" id="reply-send-anyway"' in page
    assert _replies(case) == []
    assert OutboundMessage.objects.count() == outbox_before
    case.refresh_from_db()
    assert case.status == "open"

    newer = re.search(r'name="seen" value="(\d+)"', page)
    assert newer is not None
    assert int(newer.group(1)) > int(seen)
    sent = alice_client.post(f"/workspace/cases/{case.pk}/reply/", {**data, "seen": newer.group(1)}, **headers)

    assert sent.status_code == (200 if htmx else 302)
    assert _replies(case) == ["곧 보내드릴게요."]
    assert OutboundMessage.objects.count() == outbox_before + 1
    case.refresh_from_db()
    assert case.status == "waiting"


def test_a_status_change_by_another_agent_holds_the_reply(
    alice_client: Client, lena: User, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    seen = _seen_on_page(alice_client, case)
    actions.change_status(case, "waiting", actor=Actor(user=lena), notify=False)

    held = alice_client.post(f"/workspace/cases/{case.pk}/reply/", {"body": "Hello", "seen": seen}, **HTMX)

    assert held.status_code == 409
    assert "lena" in held.content.decode().lower()
    assert _replies(case) == []


def test_own_changes_and_an_unchanged_case_do_not_hold(
    alice: User, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    seen = _seen_on_page(alice_client, case)
    actions.change_priority(case, "high", actor=Actor(user=alice))  # e.g. from another tab of hers

    sent = alice_client.post(f"/workspace/cases/{case.pk}/reply/", {"body": "Hello", "seen": seen}, **HTMX)

    assert sent.status_code == 200
    assert _replies(case) == ["Hello"]


def test_the_held_notice_is_in_korean_for_a_korean_agent(
    alice: User, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    alice.language = "ko"
    alice.save()
    case = make_case()
    seen = _seen_on_page(alice_client, case)
    _customer_writes(case, "또 문의드려요")

    held = alice_client.post(f"/workspace/cases/{case.pk}/reply/", {"body": "네", "seen": seen}, **HTMX)

    page = held.content.decode()
    assert "보내지 않았습니다" in page
    assert "그대로 보내기" in page


def test_chat_messages_shown_live_do_not_hold_but_other_changes_still_do(
    alice_client: Client, lena: User, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    seen = _seen_on_page(alice_client, case)
    actions.receive_customer_message(case, "아직이에요?", actor=Actor(customer=case.customer), channel="chat")
    url = f"/workspace/cases/{case.pk}/reply/"

    # Without the live panel the page did not show the chat message: held.
    assert alice_client.post(url, {"body": "확인 중입니다", "seen": seen}, **HTMX).status_code == 409
    # The open socket showed it: sent.
    assert alice_client.post(url, {"body": "확인 중입니다", "seen": seen, "live_chat": "on"}, **HTMX).status_code == 200
    assert _replies(case) == ["확인 중입니다"]

    seen = _seen_on_page(alice_client, case)
    actions.change_priority(case, "high", actor=Actor(user=lena))
    held = alice_client.post(url, {"body": "또 답변", "seen": seen, "live_chat": "on"}, **HTMX)
    assert held.status_code == 409
