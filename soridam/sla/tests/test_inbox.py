"""The inbox sorts by SLA due time with keyset pages and shows the due time and badge."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.template.loader import render_to_string
from django.test import Client

from soridam.accounts.models import User
from soridam.cases.models import Case, Priority
from soridam.routing.models import AgentState, Presence
from soridam.sla.models import SlaPolicy
from soridam.workspace.inbox import InboxQuery, inbox_page

KST = ZoneInfo("Asia/Seoul")


def test_sla_sort_pages_by_due_time(policy: SlaPolicy, make_case: Callable[..., Case], alice: User) -> None:
    SlaPolicy.objects.create(name="Urgent", priority=Priority.URGENT, first_response_minutes=20)
    start = datetime(2026, 11, 23, 9, 0, tzinfo=KST)
    made = []
    for i in range(5):
        with time_machine.travel(start + timedelta(minutes=10 * i), tick=False):
            made.append(make_case(email=f"c{i}@example.kr", priority=Priority.URGENT if i == 4 else Priority.NORMAL))
    expected = [made[4], made[0], made[1], made[2], made[3]]  # the urgent one is due first
    first = inbox_page(alice, InboxQuery(sort="sla_due"), size=2)
    second = inbox_page(alice, InboxQuery(sort="sla_due", cursor=first.next_cursor or ""), size=2)
    third = inbox_page(alice, InboxQuery(sort="sla_due", cursor=second.next_cursor or ""), size=2)
    assert [c.pk for c in first.items + second.items + third.items] == [c.pk for c in expected]
    assert third.next_cursor is None


def test_inbox_and_case_page_show_the_badge(
    policy: SlaPolicy, make_case: Callable[..., Case], alice: User, client: Client
) -> None:
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=KST), tick=False):
        case = make_case()
    alice.language = "en"  # the assertions read English labels
    alice.save(update_fields=["language"])
    client.force_login(alice)
    with time_machine.travel(datetime(2026, 11, 23, 14, 0, tzinfo=KST), tick=True):
        inbox = client.get("/workspace/?sort=sla_due").content.decode()
        page = render_to_string("sla/_case_fact.html", {"case": Case.objects.select_related("sla").get(pk=case.pk)})
    assert "11-23 14:00" in inbox
    assert "SLA due" in inbox
    assert "11-23 14:00" in page
    with time_machine.travel(datetime(2026, 11, 23, 14, 1, tzinfo=KST), tick=True):
        assert "Breached" in client.get("/workspace/?sort=sla_due").content.decode()


def test_presence_toggle(alice: User, client: Client) -> None:
    client.force_login(alice)
    assert 'value="offline" checked' in client.get("/workspace/settings/").content.decode()
    response = client.post("/workspace/presence/", {"presence": "online"})
    assert response.status_code == 302
    assert AgentState.objects.get(agent=alice).presence == Presence.ONLINE
    assert client.post("/workspace/presence/", {"presence": "asleep"}).status_code == 400
