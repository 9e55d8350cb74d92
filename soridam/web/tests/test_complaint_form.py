from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from soridam.cases.models import Attachment, Case, Category, Message
from soridam.cases.stages import Stage
from soridam.customers.models import Customer
from soridam.web.forms import subject_from
from soridam.web.guards import FILED_COOKIE

pytestmark = pytest.mark.django_db

FormData = Callable[..., dict[str, Any]]
FileMaker = Callable[..., SimpleUploadedFile]


def test_home_page_links_to_the_form_and_explains_tracking(client: Client) -> None:
    page = client.get("/").content.decode()
    assert 'href="/complaint/"' in page
    assert "접수" in page
    assert "사후 관리" in page


def test_form_labels_every_input_and_lists_active_categories_in_the_page_language(client: Client, teams: Any) -> None:
    Category.objects.filter(slug="other").update(is_active=False)
    korean = client.get("/complaint/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    for field in ("name", "email", "phone", "category", "order_number", "subject", "text", "attachments"):
        assert f'<label for="id_{field}">' in korean
    assert '<option value="delivery">배송</option>' in korean
    assert "기타" not in korean
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/complaint/").content.decode()
    assert ">Delivery</option>" in english
    assert 'class="honeypot" aria-hidden="true"' in english
    assert 'tabindex="-1"' in english
    assert 'type="file" name="attachments" multiple' in english


def test_filing_a_korean_complaint_with_a_photo_stores_it_and_emails_the_tracking_link(
    client: Client, complaint_form: FormData, jpeg: FileMaker, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/complaint/", {**complaint_form(), "attachments": [jpeg()]}, HTTP_ACCEPT_LANGUAGE="ko")
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/track/{case.tracking_token}/"
    assert (case.channel, case.stage, case.language) == ("web", Stage.INTAKE, "ko")
    assert case.category is not None
    assert case.category.slug == "delivery"
    assert case.team is not None
    assert case.team.slug == "delivery"
    assert case.order_number == "2026-0412-7781"
    assert case.subject == "주문한 운동화가 열흘째 배송되지 않고 있습니다."
    message = Message.objects.get(case=case)
    assert message.kind == "customer"
    assert "배송 조회도 멈춰" in message.body
    stored = Attachment.objects.get(message=message)
    assert (stored.filename, stored.content_type) == ("영수증.jpg", "image/jpeg")
    assert stored.file.read().startswith(b"\xff\xd8\xff")
    assert Customer.objects.get().email == "minji@example.kr"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["minji@example.kr"]
    assert case.reference in mail.outbox[0].subject
    assert f"/track/{case.tracking_token}/" in mail.outbox[0].body


def test_next_page_shows_reference_and_absolute_tracking_link_once(
    client: Client, complaint_form: FormData, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/complaint/", complaint_form(), follow=True)
    case = Case.objects.get()
    page = response.content.decode()
    assert f'<span id="case-reference">{case.reference}</span>' in page
    link = re.search(r'<a id="tracking-link" href="([^"]+)">', page)
    assert link is not None
    assert link.group(1) == f"http://testserver/track/{case.tracking_token}/"
    assert "minji@example.kr" in page
    assert client.cookies[FILED_COOKIE].value == ""  # spent
    again = client.get(f"/track/{case.tracking_token}/").content.decode()
    assert 'id="tracking-link"' not in again
    assert case.reference in again


def test_phone_only_customer_is_told_to_save_the_link(
    client: Client, complaint_form: FormData, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/complaint/", complaint_form(email="", phone="010-1234-5678"), follow=True, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert Customer.objects.get().phone == "010-12345678".replace("-", "")
    assert "save this link now" in response.content.decode()
    assert mail.outbox == []


def test_empty_subject_is_taken_from_the_first_line_and_cut_near_sixty_characters() -> None:
    assert subject_from("\n  Parcel lost  \nsecond line") == "Parcel lost"
    long_line = "My order arrived broken and the replacement that was promised never came at all"
    subject = subject_from(long_line)
    assert subject.endswith("…")
    assert len(subject) <= 61
    assert long_line.startswith(subject[:-1])
    assert subject_from("가" * 100) == "가" * 60 + "…"


def test_english_customer_gets_an_english_contact_language(
    client: Client, complaint_form: FormData, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/complaint/", complaint_form(text="Where is my parcel?"), HTTP_ACCEPT_LANGUAGE="en")
    case = Case.objects.get()
    assert case.language == "en"
    assert Customer.objects.get().language == "en"
    assert case.subject == "Where is my parcel?"


def _post_refused(client: Client, data: dict[str, Any], *, language: str = "en") -> str:
    response = client.post("/complaint/", data, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert Case.objects.count() == 0
    assert Message.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert Customer.objects.count() == 0
    return response.content.decode()


def test_missing_contact_is_refused_with_a_field_error_and_keeps_the_text(
    client: Client, complaint_form: FormData
) -> None:
    page = _post_refused(client, complaint_form(email="", phone=""))
    assert 'id="id_email_error"' in page
    assert "e-mail address or a phone number" in page
    assert 'aria-describedby="id_email_error"' in page
    assert "주문한 운동화가 열흘째" in page  # what the customer typed is kept
    assert 'value="김민지"' in page


def test_empty_text_is_refused(client: Client, complaint_form: FormData) -> None:
    page = _post_refused(client, complaint_form(text="   "))
    assert 'id="id_text_error"' in page


def test_too_short_phone_is_refused(client: Client, complaint_form: FormData) -> None:
    page = _post_refused(client, complaint_form(email="", phone="12"))
    assert 'id="id_phone_error"' in page


def test_html_disguised_as_jpeg_is_refused(client: Client, complaint_form: FormData, jpeg: FileMaker) -> None:
    disguised = jpeg("photo.jpg", b"<html><script>alert(1)</script></html>")
    page = _post_refused(client, {**complaint_form(), "attachments": [jpeg(), disguised]})
    assert "photo.jpg is not a file type we accept." in page
    assert 'id="id_attachments_error"' in page


def test_six_files_are_refused(client: Client, complaint_form: FormData, jpeg: FileMaker) -> None:
    files = [jpeg(f"사진{number}.jpg") for number in range(6)]
    page = _post_refused(client, {**complaint_form(), "attachments": files})
    assert "At most 5 files can be attached." in page


def test_file_over_the_size_limit_is_refused(
    client: Client, complaint_form: FormData, jpeg: FileMaker, settings: Any
) -> None:
    settings.SORIDAM_MAX_ATTACHMENT_BYTES = 1024 * 1024
    big = jpeg("big.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * (1024 * 1024))
    page = _post_refused(client, {**complaint_form(), "attachments": [big]})
    assert "big.jpg is larger than 1 MB." in page


def test_filled_honeypot_stores_nothing_and_comes_back_with_the_trap_empty(
    client: Client, complaint_form: FormData
) -> None:
    page = _post_refused(client, complaint_form(website="http://spam.example"))
    assert "We could not accept this form." in page
    assert "spam.example" not in page
    assert mail.outbox == []


def test_too_many_posts_from_one_address_get_429_with_retry_after(
    client: Client, complaint_form: FormData, settings: Any
) -> None:
    settings.SORIDAM_RATE_LIMITS = {**settings.SORIDAM_RATE_LIMITS, "complaint_form": 2}
    # At the start of a one-minute window: crossing into the next one mid-test would reset the count.
    with time_machine.travel(datetime(2026, 12, 7, 3, 0, 1, tzinfo=UTC), tick=True):
        statuses = [client.post("/complaint/", complaint_form(text=f"문의 {n}")).status_code for n in range(3)]
        assert statuses == [302, 302, 429]
        limited = client.post("/complaint/", complaint_form())
        assert limited.status_code == 429
        assert 1 <= int(limited["Retry-After"]) <= 60
        assert Case.objects.count() == 2
        other_address = client.post("/complaint/", complaint_form(), REMOTE_ADDR="203.0.113.9")
        assert other_address.status_code == 302
        assert client.get("/complaint/").status_code == 200  # reading the form is not limited
