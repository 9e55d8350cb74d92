"""A WhatsApp case whose customer last wrote more than 24 hours ago, in Debian's chromium: the composer offers only
the approved templates (free text off, with the reason shown), and the template the agent fills in reaches a
local fake Graph API with WhatsApp's documented template request."""

from __future__ import annotations

import time
import urllib.request
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from soridam.accounts.models import Team, User
from soridam.cases.models import Case, MessageKind
from soridam.channels.meta.models import MessageTemplate
from soridam.channels.meta.tests.conftest import make_account
from soridam.channels.meta.tests.shapes import PHONE_NUMBER_ID, TOKEN, USER, encode, message, signature
from soridam.channels.models import MessengerThread
from soridam.channels.tests.fakeprovider import FakeProvider, Recorded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SENT = b'{"messaging_product": "whatsapp", "contacts": [{"input": "821012345678"}], "messages": [{"id": "wamid.T"}]}'


def _customer_writes(base_url: str) -> Case:
    """The customer's message comes in as Meta sends it: signed, over HTTP, to the webhook."""
    raw = encode(message("whatsapp", "wamid.IN-1", "주문한 신발이 아직 안 왔어요"))
    request = urllib.request.Request(
        f"{base_url}/hooks/whatsapp/whatsapp-shop/",
        data=raw,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature(raw)},
    )
    with urllib.request.urlopen(request, timeout=90) as response:  # noqa: S310 - the live server (first case: cold)
        assert response.status == 200
    return Case.objects.get()


def _wait_for(fake: FakeProvider, path: str) -> list[Recorded]:
    deadline = time.monotonic() + 15
    while not fake.to(path) and time.monotonic() < deadline:
        time.sleep(0.1)
    return fake.to(path)


def test_an_old_whatsapp_case_offers_only_templates_and_the_template_reaches_graph(
    browser_page: Any, live_server: Any, alice: User, teams: dict[str, Team], settings: Any
) -> None:
    settings.SORIDAM_CHAT_RESPONDER, settings.SORIDAM_META_GRAPH_VERSION = "", "v25.0"
    template = MessageTemplate.objects.create(name="order_update", body="{{1}} 님, 주문 {{2}} 확인했어요.")
    page = browser_page
    with FakeProvider(default=(200, {"Content-Type": "application/json"}, SENT)) as graph:
        make_account("whatsapp", api_base=graph.url)
        case = _customer_writes(live_server.url)
        Case.objects.filter(pk=case.pk).update(team=teams["delivery"])
        a_day_ago = timezone.now() - timedelta(hours=25)
        MessengerThread.objects.filter(case=case).update(last_inbound_at=a_day_ago)
        case.messages.filter(kind=MessageKind.CUSTOMER).update(created_at=a_day_ago)

        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{live_server.url}/workspace/login/")
        page.fill("input[name=username]", "alice")
        page.fill("input[name=password]", "pw-alice")
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url(f"{live_server.url}/workspace/")
        page.goto(f"{live_server.url}/workspace/cases/{case.pk}/")

        assert "24" in page.inner_text("#reply-window-closed")  # the reason, in Korean
        assert page.is_checked("#reply-internal")
        assert page.is_disabled("#reply-internal")  # free text to the customer is off: notes only
        assert page.locator("#reply-send-solved").count() == 0
        assert page.locator(".template-form").count() == 1
        page.fill(f"#template-{template.pk}-var-1", "김지은")
        page.fill(f"#template-{template.pk}-var-2", "A123")
        page.click(f"#template-send-{template.pk}")
        page.wait_for_selector(".message-body:has-text('김지은 님, 주문 A123 확인했어요.')")

        [sent] = _wait_for(graph, f"/v25.0/{PHONE_NUMBER_ID}/messages")
    assert sent.header("Authorization") == f"Bearer {TOKEN}"
    assert sent.json() == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": USER["whatsapp"],
        "type": "template",
        "template": {
            "name": "order_update",
            "language": {"code": "ko"},
            "components": [
                {"type": "body", "parameters": [{"type": "text", "text": "김지은"}, {"type": "text", "text": "A123"}]}
            ],
        },
    }
    assert errors == []
