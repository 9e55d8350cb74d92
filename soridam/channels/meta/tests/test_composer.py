"""The workspace composer on Meta cases: inside the window it is the usual composer; on a WhatsApp case whose
customer last wrote more than 24 hours ago free text is refused (on the page and on the server) and the approved
templates are offered, within the case page's query budget."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from soridam.accounts.models import Team
from soridam.cases.models import Case, MessageKind
from soridam.channels.meta.models import MessageTemplate, TemplateSend
from soridam.channels.meta.tests.conftest import make_account
from soridam.channels.meta.tests.shapes import encode, message, post_signed
from soridam.channels.models import MessengerThread
from soridam.notifications.models import OutboundMessage
from soridam.workspace.tests.budgets import CASE_PAGE_QUERIES

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def whatsapp_case(
    db: None, settings: Any, client: Client, django_capture_on_commit_callbacks: Any, teams: dict[str, Team]
) -> Case:
    settings.SORIDAM_CHAT_RESPONDER = ""
    make_account("whatsapp", api_base="http://127.0.0.1:9")  # nothing listens: the replies stay in the outbox
    raw = encode(message("whatsapp", "wamid.IN-1", "주문한 신발이 아직 안 왔어요"))
    assert post_signed(Client(), django_capture_on_commit_callbacks, "whatsapp", raw).status_code == 200
    case = Case.objects.get()
    Case.objects.filter(pk=case.pk).update(team=teams["delivery"])
    return case


def _customer_wrote(case: Case, ago: timedelta) -> None:
    MessengerThread.objects.filter(case=case).update(last_inbound_at=timezone.now() - ago)
    case.messages.filter(kind=MessageKind.CUSTOMER).update(created_at=timezone.now() - ago)


@pytest.fixture
def template(db: None) -> MessageTemplate:
    return MessageTemplate.objects.create(name="order_update", body="{{1}} 님, 주문 {{2}} 확인했어요.")


def test_inside_the_window_the_composer_is_the_usual_one(
    whatsapp_case: Case, template: MessageTemplate, alice_client: Client
) -> None:
    html = alice_client.get(f"/workspace/cases/{whatsapp_case.pk}/").content.decode()
    assert 'id="reply-window-closed"' not in html
    assert 'id="message-templates"' not in html
    assert 'id="reply-send-solved"' in html


def test_after_24_hours_free_text_is_disabled_and_templates_are_offered_within_the_query_budget(
    whatsapp_case: Case,
    template: MessageTemplate,
    alice_client: Client,
    django_assert_max_num_queries: Any,
) -> None:
    alice_client.get(f"/workspace/cases/{whatsapp_case.pk}/")  # the per-process copies (staff, macros, categories)
    # The window costs no query: the page reads it from the conversation.
    with django_assert_max_num_queries(CASE_PAGE_QUERIES):
        assert alice_client.get(f"/workspace/cases/{whatsapp_case.pk}/").status_code == 200
    _customer_wrote(whatsapp_case, timedelta(hours=25))
    # + the approved templates, only once the window has closed.
    with django_assert_max_num_queries(CASE_PAGE_QUERIES + 1):
        response = alice_client.get(f"/workspace/cases/{whatsapp_case.pk}/")
    html = response.content.decode()
    assert 'id="reply-window-closed"' in html
    assert "24" in html
    assert 'name="internal" value="on"' in html  # the composer takes notes only
    assert 'id="reply-send-solved"' not in html
    assert f'id="template-{template.pk}"' in html
    assert "{{1}} 님, 주문 {{2}} 확인했어요." in html
    assert f'name="var-2" id="template-{template.pk}-var-2"' in html


def test_free_text_posted_after_24_hours_is_refused_and_nothing_is_stored(
    whatsapp_case: Case, alice_client: Client
) -> None:
    _customer_wrote(whatsapp_case, timedelta(hours=25))
    response = alice_client.post(f"/workspace/cases/{whatsapp_case.pk}/reply/", {"body": "늦은 답장입니다"}, **HTMX)
    assert response.status_code == 409
    assert "WhatsApp" in response.content.decode()
    assert not whatsapp_case.messages.filter(kind=MessageKind.REPLY).exists()
    assert not OutboundMessage.objects.filter(kind="agent_reply").exists()
    # An internal note is still fine.
    note = {"body": "고객에게 전화로 안내함", "internal": "on"}
    assert alice_client.post(f"/workspace/cases/{whatsapp_case.pk}/reply/", note, **HTMX).status_code == 200
    assert whatsapp_case.messages.filter(kind=MessageKind.NOTE).count() == 1


def test_a_filled_template_is_stored_as_the_reply_and_queued_as_the_template(
    whatsapp_case: Case, template: MessageTemplate, alice_client: Client
) -> None:
    _customer_wrote(whatsapp_case, timedelta(days=2))
    form = {"template": template.pk, "var-1": "김지은", "var-2": "A123"}
    response = alice_client.post(f"/workspace/cases/{whatsapp_case.pk}/template/", form, **HTMX)
    assert response.status_code == 200
    reply = whatsapp_case.messages.get(kind=MessageKind.REPLY)
    assert reply.body == "김지은 님, 주문 A123 확인했어요."
    sent = TemplateSend.objects.get()
    assert (sent.template, sent.parameters, sent.outbound.message) == (template, ["김지은", "A123"], reply)


@pytest.mark.parametrize(
    "variables", [{"var-1": "김지은"}, {"var-1": "김지은", "var-2": "A\n123"}], ids=["missing", "two-lines"]
)
def test_a_template_with_a_missing_or_bad_variable_is_refused(
    whatsapp_case: Case, template: MessageTemplate, alice_client: Client, variables: dict[str, str]
) -> None:
    _customer_wrote(whatsapp_case, timedelta(days=2))
    response = alice_client.post(
        f"/workspace/cases/{whatsapp_case.pk}/template/", {"template": template.pk, **variables}, **HTMX
    )
    assert response.status_code == 400
    assert 'id="template-errors"' in response.content.decode()
    assert not whatsapp_case.messages.filter(kind=MessageKind.REPLY).exists()
    assert not TemplateSend.objects.exists()
