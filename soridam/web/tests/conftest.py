"""Fixtures for the public pages: a filled complaint form and small files of real types."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 200
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def jpeg() -> Callable[..., SimpleUploadedFile]:
    def make(name: str = "영수증.jpg", content: bytes = JPEG) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, content, content_type="image/jpeg")

    return make


@pytest.fixture
def complaint_form(teams: Any) -> Callable[..., dict[str, Any]]:
    """The fields a Korean customer fills in, with overrides; categories need the teams fixture."""

    def make(**overrides: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": "김민지",
            "email": "minji@example.kr",
            "phone": "",
            "category": "delivery",
            "order_number": "2026-0412-7781",
            "subject": "",
            "text": "주문한 운동화가 열흘째 배송되지 않고 있습니다.\n배송 조회도 멈춰 있어요.",
            "website": "",
        }
        data.update(overrides)
        return data

    return make
