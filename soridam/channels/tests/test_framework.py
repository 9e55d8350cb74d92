"""The channel framework: registry, quarantine and reprocessing, the original-message view, the admin."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from soridam.accounts.models import User
from soridam.channels import pipeline
from soridam.channels.base import get_transport, registered_kinds
from soridam.channels.email import transport as email_transport
from soridam.channels.email.tests.mails import mail
from soridam.channels.models import ChannelAccount, PayloadState, RawPayload

pytestmark = pytest.mark.django_db


def test_email_is_a_registered_transport() -> None:
    assert "email" in registered_kinds()
    assert get_transport("email").kind == "email"
    with pytest.raises(LookupError):
        get_transport("pigeon")


def test_a_parser_crash_quarantines_the_payload_and_reprocess_replays_it(
    teams: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(raw: bytes) -> object:
        raise RuntimeError("parser bug")

    monkeypatch.setattr(email_transport, "normalise", broken)
    payload, _new = pipeline.receive("email", mail(), process_now=True)
    assert payload.state == PayloadState.QUARANTINED
    assert "parser bug" in payload.reason
    assert bytes(payload.raw) == mail()
    monkeypatch.undo()
    out = StringIO()
    call_command("reprocess_payloads", stdout=out)
    payload.refresh_from_db()
    assert payload.state == PayloadState.PROCESSED
    assert payload.message is not None
    assert "processed=1" in out.getvalue()


def test_payloads_are_processed_by_the_task_after_commit(
    teams: object, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        payload, _new = pipeline.receive("email", mail())
    payload.refresh_from_db()
    assert payload.state == PayloadState.PROCESSED


def test_original_message_view_is_permission_checked(teams: object, alice: User, bob: User, lena: User) -> None:
    payload, _new = pipeline.receive("email", mail(body="<b>원문</b> 전체"), process_now=True)
    assert payload.message is not None
    assert payload.case is not None
    payload.case.team = teams["delivery"]  # type: ignore[index]
    payload.case.save()
    url = f"/workspace/channels/messages/{payload.message.pk}/original/"
    client = Client()
    client.force_login(alice)  # a plain agent: the original is personal data unmasked
    assert client.get(url).status_code == 403
    case_page = f"/workspace/cases/{payload.case.pk}/"
    assert url not in client.get(case_page).content.decode()  # so the page offers no link that answers 403
    client.force_login(lena)  # a lead opens it with a reason (soridam/privacy/tests/test_surfaces.py)
    assert url in client.get(case_page).content.decode()
    page = client.post(url, {"reason": "원문 확인"})
    assert page.status_code == 200
    assert "원문" in page.content.decode()
    raw = client.post(url.replace("/original/", "/original.eml"), {"reason": "원문 확인"})
    assert raw.content == mail(body="<b>원문</b> 전체")
    client.force_login(bob)  # another team's agent
    assert client.get(url).status_code == 404


def test_admin_lists_the_quarantine_and_never_shows_the_secret(teams: object) -> None:
    root = User.objects.create_superuser("root2", "root2@shop.test", "pw", role="admin")
    ChannelAccount.objects.create(name="box", host="imap.example.com", username="u", secret="top-secret-pw")
    pipeline.receive("email", b"not an email", process_now=True)
    client = Client()
    client.force_login(root)
    listing = client.get("/admin/soridam_channels/rawpayload/?state=quarantined")
    assert listing.status_code == 200
    assert "not an e-mail" in listing.content.decode()
    account = ChannelAccount.objects.get()
    form = client.get(f"/admin/soridam_channels/channelaccount/{account.pk}/change/")
    assert form.status_code == 200
    assert "top-secret-pw" not in form.content.decode()
    assert RawPayload.objects.filter(state=PayloadState.QUARANTINED).count() == 1


def test_case_page_shows_each_replys_delivery_state_and_failure_reason(
    teams: object, alice: User, make_case: Any
) -> None:
    from soridam.audit.actors import Actor
    from soridam.cases import actions
    from soridam.notifications.models import DeliveryState, OutboundMessage

    case = make_case(email="minji@example.kr")
    message = actions.reply(case, "답변", actor=Actor(user=alice))
    OutboundMessage.objects.filter(message=message).update(
        state=DeliveryState.FAILED, last_error="Bounced: Status: 5.1.1 user unknown"
    )
    client = Client()
    client.force_login(alice)
    html = client.get(f"/workspace/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Bounced: Status: 5.1.1 user unknown" in html
    assert 'class="delivery delivery-failed"' in html
