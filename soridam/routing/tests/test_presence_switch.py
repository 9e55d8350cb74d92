"""The presence switch in the workspace header: every page shows it, and it saves from any page."""

from __future__ import annotations

from django.test import Client

from soridam.accounts.models import User
from soridam.routing.models import AgentState, Presence


def _presence(user: User) -> str | None:
    return AgentState.objects.filter(agent=user).values_list("presence", flat=True).first()


def test_every_workspace_page_has_the_switch_with_the_current_presence(alice: User, alice_client: Client) -> None:
    alice_client.post("/workspace/presence/", {"presence": Presence.AWAY})
    for url in ("/workspace/", "/workspace/search/", "/workspace/tasks/"):
        html = alice_client.get(url).content.decode()
        assert 'id="presence-switch"' in html, url
        assert f'<option value="{Presence.AWAY}" selected>' in html, url


def test_switching_without_javascript_comes_back_to_the_page(alice: User, alice_client: Client) -> None:
    response = alice_client.post("/workspace/presence/", {"presence": Presence.ONLINE, "next": "/workspace/tasks/"})
    assert (response.status_code, response["Location"]) == (302, "/workspace/tasks/")
    assert _presence(alice) == Presence.ONLINE


def test_switching_with_htmx_answers_204_and_saves(alice: User, alice_client: Client) -> None:
    response = alice_client.post("/workspace/presence/", {"presence": Presence.OFFLINE}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert _presence(alice) == Presence.OFFLINE


def test_an_off_site_next_is_not_followed(alice: User, alice_client: Client) -> None:
    response = alice_client.post("/workspace/presence/", {"presence": Presence.ONLINE, "next": "https://evil.example/"})
    assert response["Location"] == "/workspace/settings/"
