"""One middleware sets the security headers from one table; the pages that had them by hand still have them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Attachment, Case
from soridam.cases.uploads import Upload
from soridam.channels import pipeline
from soridam.channels.email.tests.mails import mail
from soridam.lib.security_headers import POLICIES

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 64


def _has_policy(response: object, name: str) -> None:
    for header, value in POLICIES[name].items():
        assert response[header] == value, header  # type: ignore[index]


def test_every_download_gets_the_download_policy_and_private_links_keep_theirs(
    client: Client, make_case: Callable[..., Case], agent_actor: Actor, root: User
) -> None:
    case = make_case()
    actions.reply(case, "사진", actor=agent_actor, uploads=[Upload("사진.jpg", JPEG, "image/jpeg")])
    stored = Attachment.objects.get()
    customer_download = client.get(f"/track/{case.tracking_token}/files/{stored.pk}/")
    _has_policy(customer_download, "download")
    assert customer_download["Referrer-Policy"] == "strict-origin"  # still a private link
    assert customer_download["X-Robots-Tag"] == "noindex, nofollow"
    staff = Client()
    staff.force_login(root)
    _has_policy(staff.get(f"/workspace/attachments/{stored.pk}/"), "download")
    tracking_page = client.get(f"/track/{case.tracking_token}/")
    _has_policy(tracking_page, "private_link")
    assert "no-store" in tracking_page["Cache-Control"]


def test_original_message_page_and_its_raw_download_keep_their_policies(teams: object, root: User) -> None:
    payload, _new = pipeline.receive("email", mail(body="<b>원문</b> 전체"), process_now=True)
    assert payload.message is not None
    staff = Client()
    staff.force_login(root)
    page = staff.get(f"/workspace/channels/messages/{payload.message.pk}/original/")
    assert page.status_code == 200
    _has_policy(page, "external_content")
    opened = staff.post(f"/workspace/channels/messages/{payload.message.pk}/original/", {"reason": "분쟁 증거 확인"})
    assert opened.status_code == 200
    _has_policy(opened, "external_content")
    raw = staff.post(f"/workspace/channels/messages/{payload.message.pk}/original.eml", {"reason": "분쟁 증거 확인"})
    _has_policy(raw, "download")
    assert raw["Content-Type"] == "message/rfc822"
    assert raw["Content-Disposition"] == f'attachment; filename="message-{payload.message.pk}.eml"'


def test_an_ordinary_page_gets_no_download_sandbox(client: Client, teams: object) -> None:
    page = client.get("/complaint/")
    assert "sandbox" not in page["Content-Security-Policy"]  # the page policy, not the download's
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert page["X-Content-Type-Options"] == "nosniff"
