"""The shared layout's header."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _brand(page: str) -> str:
    found = re.search(r'class="brand">(.*?)</a>', page, re.S)
    assert found is not None
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_the_brand_reads_soridam_once_in_korean(client: Client) -> None:
    page = client.get("/help/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert _brand(page) == "소리담"


def test_the_english_brand_keeps_the_korean_name_beside_it(client: Client) -> None:
    page = client.get("/help/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _brand(page) == "Soridam 소리담"
