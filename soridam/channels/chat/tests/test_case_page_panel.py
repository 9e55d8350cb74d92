"""The case page of a chat case carries the live chat panel with the agent socket's address; others do not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from soridam.cases.models import Case


@pytest.mark.django_db
def test_a_chat_case_page_has_the_live_panel_pointing_at_the_socket_server(
    alice_client: Client, make_case: Callable[..., Case], settings: Any
) -> None:
    settings.CHAT_WS_PORT = 8101
    chat = make_case(channel="chat")
    page = alice_client.get(f"/workspace/cases/{chat.pk}/").content.decode()
    assert f'data-socket="ws://testserver:8101/ws/agent/?case={chat.pk}"' in page
    assert "/static/chat/agent.js" in page
    email = make_case()
    assert 'id="live-chat"' not in alice_client.get(f"/workspace/cases/{email.pk}/").content.decode()
