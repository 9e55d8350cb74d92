"""Links in customer mail point at the port the demo serves on."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from soridam.cases.models import Case
from soridam.followup.surveys import survey_url
from soridam.notifications.models import NotificationKind, OutboundMessage
from soridam.notifications.rendering import render_email

ROOT = Path(__file__).resolve().parents[3]


def _site_url_under(**env: str) -> str:
    """Settings are read once per process: import them in a fresh one under the given environment."""
    clean = {key: value for key, value in os.environ.items() if key not in {"SITE_URL", "PORT"}}
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed snippet
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "soridam.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_site_url_follows_port_when_not_set() -> None:
    assert _site_url_under(PORT="8100") == "http://127.0.0.1:8100"
    assert _site_url_under() == "http://127.0.0.1:8000"


def test_an_explicit_site_url_wins_over_port() -> None:
    assert _site_url_under(PORT="8100", SITE_URL="https://care.example.kr/") == "https://care.example.kr"


@pytest.mark.django_db
def test_acknowledgement_and_survey_links_point_at_the_served_port(
    make_case: Callable[..., Case], settings: Any
) -> None:
    settings.SITE_URL = _site_url_under(PORT="8100")
    case = make_case()
    acknowledgement = OutboundMessage.objects.get(case=case, kind=NotificationKind.CASE_OPENED)

    body = render_email(acknowledgement).body
    assert f"http://127.0.0.1:8100/track/{case.tracking_token}/" in body
    assert ":8000" not in body
    assert survey_url(case).startswith("http://127.0.0.1:8100/")
