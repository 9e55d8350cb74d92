from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from soridam.cases.models import Attachment, Case

from .conftest import JPEG

pytestmark = pytest.mark.django_db


def test_attachment_downloads_with_its_korean_name_stored_type_and_nosniff(
    client: Client,
    complaint_form: Callable[..., dict[str, Any]],
    jpeg: Callable[..., SimpleUploadedFile],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/complaint/", {**complaint_form(), "attachments": [jpeg("파손 사진.jpg")]})
    case = Case.objects.get()
    stored = Attachment.objects.get()
    page = client.get(f"/track/{case.tracking_token}/").content.decode()
    url = f"/track/{case.tracking_token}/files/{stored.pk}/"
    assert f'href="{url}"' in page
    assert "파손 사진.jpg" in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%ED%8C%8C%EC%86%90%20%EC%82%AC%EC%A7%84.jpg"
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin"
    assert b"".join(response.streaming_content) == JPEG  # type: ignore[attr-defined]


def test_unknown_attachment_id_gives_404(client: Client, make_case: Callable[..., Case]) -> None:
    case = make_case()
    assert client.get(f"/track/{case.tracking_token}/files/999999/").status_code == 404
