"""Presence from the open workspace: a page's heartbeat keeps the agent online; when every page has been
closed for a while they go away. A presence the agent chose (away, offline) is respected (issue 14 §5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from soridam.accounts.models import Role, User
from soridam.audit.audit import stream_of
from soridam.audit.models import AuditEntry
from soridam.routing.models import AgentState, Presence
from soridam.routing.presence import WORKSPACE_GONE, sweep_closed_workspaces
from soridam.sla.periodic import SCHEDULE

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _state(user: User) -> AgentState:
    return AgentState.objects.get(agent=user)


def _presence_changes(user: User) -> list[tuple[str, str]]:
    entries = AuditEntry.objects.filter(action="agent.presence", stream=stream_of(_state(user))).order_by("seq")
    return [(entry.data["to"], entry.actor) for entry in entries]


def test_an_open_page_brings_the_agent_online_and_closing_every_page_makes_them_away(
    alice: User, alice_client: Client
) -> None:
    page = alice_client.get("/workspace/").content.decode()
    assert "data-presence-heartbeat" in page

    first = alice_client.post("/workspace/presence/heartbeat/", **HTMX)
    assert first.status_code == 200  # the header's switch again, now showing "online"
    assert f'<option value="{Presence.ONLINE}" selected>' in first.content.decode()
    assert _state(alice).presence == Presence.ONLINE
    assert alice_client.post("/workspace/presence/heartbeat/", **HTMX).status_code == 204

    assert sweep_closed_workspaces() == 0  # the page is still open
    later = timezone.now() + WORKSPACE_GONE + timedelta(seconds=1)
    assert sweep_closed_workspaces(now=later) == 1
    assert _state(alice).presence == Presence.AWAY
    assert _presence_changes(alice) == [("online", "system:workspace"), ("away", "system:workspace")]

    # Opening the workspace again brings them back.
    alice_client.post("/workspace/presence/heartbeat/", **HTMX)
    assert _state(alice).presence == Presence.ONLINE


@pytest.mark.parametrize("chosen", [Presence.AWAY, Presence.OFFLINE])
def test_a_presence_the_agent_chose_is_not_overridden_by_the_heartbeat(
    alice: User, alice_client: Client, chosen: str
) -> None:
    alice_client.post("/workspace/presence/", {"presence": chosen}, **HTMX)

    assert alice_client.post("/workspace/presence/heartbeat/", **HTMX).status_code == 204
    assert _state(alice).presence == chosen
    assert sweep_closed_workspaces(now=timezone.now() + WORKSPACE_GONE * 2) == 0
    assert _state(alice).presence == chosen


def test_online_chosen_without_a_page_is_not_swept(alice: User, alice_client: Client) -> None:
    """An agent put online by an admin, the API or the demo has no page to close: nothing to sweep."""
    alice_client.post("/workspace/presence/", {"presence": Presence.ONLINE}, **HTMX)
    assert sweep_closed_workspaces(now=timezone.now() + WORKSPACE_GONE * 2) == 0
    assert _state(alice).presence == Presence.ONLINE


def test_the_heartbeat_needs_a_post_from_staff(alice_client: Client) -> None:
    assert alice_client.get("/workspace/presence/heartbeat/").status_code == 405
    customer = Client()
    customer.force_login(User.objects.create_user(username="kim", role=Role.CUSTOMER))
    assert customer.post("/workspace/presence/heartbeat/").status_code == 403


def test_the_sweep_is_scheduled() -> None:
    assert "soridam.routing.tasks.presence_sweep" in {job.task_path for job in SCHEDULE}
