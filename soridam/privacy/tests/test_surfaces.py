"""Every surface shows customer text through the presenter: masked for a plain agent; opened by a lead with a reason."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from soridam.accounts.models import User
from soridam.audit.models import AuditEntry
from soridam.cases.models import Case
from soridam.channels.models import ChannelMessage
from soridam.notifications.models import OutboundMessage
from soridam.privacy.models import AccessAction, AccessLog
from soridam.privacy.tests.data import BODY, CARD, EMAIL, MASKED, SUBJECT, assert_nothing_in_full, masked


def _original(case: Case) -> ChannelMessage:
    message = case.messages.get()
    return ChannelMessage.objects.create(
        message=message, case=case, external_id="<a1@example.com>", sender=EMAIL, subject=SUBJECT, full_text=BODY
    )


def test_a_plain_agent_sees_no_personal_data_in_full_on_any_page(alice_client: Client, pii_case: Case) -> None:
    pages = [
        alice_client.get("/workspace/").content.decode(),
        alice_client.get("/workspace/search/", {"q": "환불 문의"}).content.decode(),
        alice_client.get(f"/workspace/cases/{pii_case.pk}/").content.decode(),
    ]
    for page in pages:
        assert pii_case.reference in page
        assert_nothing_in_full(page)
        assert "010-****-5678" in page
    case_page = pages[2]
    assert all(masked in case_page for masked in MASKED)
    assert "Reveal personal data" not in case_page
    assert "access-log-title" not in case_page


def test_the_api_masks_case_and_message_text_for_a_plain_agents_token(
    alice: User, api_client: Callable[[User], Client], pii_case: Case
) -> None:
    client = api_client(alice)
    case = client.get(f"/api/v1/cases/{pii_case.pk}")
    messages = client.get(f"/api/v1/cases/{pii_case.pk}/messages")
    assert case.status_code == messages.status_code == 200
    assert case.json()["subject"] == masked(SUBJECT)
    assert messages.json()["items"][0]["body"] == masked(BODY)
    listed = client.get("/api/v1/cases").content.decode()
    assert_nothing_in_full(case.content.decode() + messages.content.decode() + listed)


def test_the_original_message_is_refused_to_a_plain_agent(alice_client: Client, pii_case: Case) -> None:
    meta = _original(pii_case)
    url = f"/workspace/channels/messages/{meta.message_id}/original/"
    assert alice_client.get(url).status_code == 403
    assert alice_client.post(url, {"reason": "궁금해서"}).status_code == 403
    assert alice_client.post(url.replace("original/", "original.eml"), {"reason": "궁금해서"}).status_code == 403
    assert not AccessLog.objects.exists()


def test_a_lead_opens_the_original_only_with_a_reason_and_it_is_logged(lena: User, pii_case: Case) -> None:
    meta = _original(pii_case)
    client = Client()
    client.force_login(lena)
    url = f"/workspace/channels/messages/{meta.message_id}/original/"
    asked = client.get(url)
    assert asked.status_code == 200
    assert_nothing_in_full(asked.content.decode())
    assert client.post(url, {"reason": "  "}).status_code == 409
    assert not AccessLog.objects.exists()
    opened = client.post(url, {"reason": "결제 분쟁 증빙"}).content.decode()
    assert CARD in opened
    assert EMAIL in opened
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.reason) == (lena, AccessAction.VIEW_ORIGINAL, "결제 분쟁 증빙")
    assert entry.message_id == meta.message_id
    assert AuditEntry.objects.filter(action="case.original_viewed").count() == 1


def test_a_lead_reveals_a_body_with_a_reason_and_finds_it_in_the_access_log(lena: User, pii_case: Case) -> None:
    client = Client()
    client.force_login(lena)
    message = pii_case.messages.get()
    url = f"/workspace/cases/{pii_case.pk}/messages/{message.pk}/reveal/"
    refused = client.post(url, {"reason": ""}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 409
    assert 'role="alert"' in refused.content.decode()
    assert_nothing_in_full(refused.content.decode())
    revealed = client.post(url, {"reason": "고객 요청으로 카드번호 확인"}, HTTP_HX_REQUEST="true")
    assert revealed.status_code == 200
    assert BODY in revealed.content.decode()
    page = client.get(f"/workspace/cases/{pii_case.pk}/").content.decode()
    assert_nothing_in_full(page)  # a reveal shows that one answer; the page stays masked
    assert "access-log-title" in page
    assert "고객 요청으로 카드번호 확인" in page
    entry = AccessLog.objects.get(action=AccessAction.REVEAL)
    assert (entry.user, entry.message, entry.action, entry.ip) == (lena, message, AccessAction.REVEAL, "127.0.0.1")


def test_a_plain_agent_cannot_reveal(alice_client: Client, pii_case: Case) -> None:
    message = pii_case.messages.get()
    url = f"/workspace/cases/{pii_case.pk}/messages/{message.pk}/reveal/"
    assert alice_client.post(url, {"reason": "확인"}).status_code == 403
    assert not AccessLog.objects.exists()


def test_the_outbox_admin_shows_recipient_subject_and_body_masked(root: User, pii_case: Case) -> None:
    outbound = OutboundMessage.objects.get(case=pii_case)
    assert EMAIL in outbound.recipient + outbound.subject  # the stored row keeps what is sent
    client = Client()
    client.force_login(root)
    listing = client.get("/admin/notifications/outboundmessage/")
    detail = client.get(f"/admin/notifications/outboundmessage/{outbound.pk}/change/")
    assert listing.status_code == detail.status_code == 200
    assert MASKED[1] in listing.content.decode()
    assert masked(SUBJECT) in detail.content.decode()
    assert_nothing_in_full(listing.content.decode() + detail.content.decode())
