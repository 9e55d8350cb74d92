"""Web hardening in one place (issue 19 §9, R-SEC-10): a CSP on every page and no inline script for it to
refuse, security headers, cookies that are Secure/HttpOnly/SameSite over TLS, /metrics behind a token or an
allowlist, and CSV cells a spreadsheet would run written as text."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from soridam.accounts.models import User
from soridam.lib.csv_safe import FORMULA_STARTS, SafeWriter, neutralise

ROOT = Path(__file__).resolve().parents[3]


def directives(response: Any) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.partition(" ")[2] for part in (p.strip() for p in policy.split(";")) if part}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/complaint/", "/help/", "/workspace/login/", "/admin/login/", "/no-such-page/"])
def test_every_public_page_gets_the_csp_and_the_security_headers(client: Client, teams: object, url: str) -> None:
    response = client.get(url)
    policy = directives(response)
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] in ("same-origin", "strict-origin")
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_workspace_pages_allow_the_chat_socket_and_nothing_else_outside(alice_client: Client) -> None:
    page = alice_client.get("/workspace/")
    assert page.status_code == 200
    assert directives(page)["connect-src"] == "'self' ws://testserver:8001 wss://testserver:8001"


@pytest.mark.django_db
def test_a_configured_socket_address_is_the_one_allowed(alice_client: Client, settings: Any) -> None:
    settings.SORIDAM_CHAT_WS_URL = "wss://support.example.kr/ws/chat/"
    assert directives(alice_client.get("/workspace/"))["connect-src"] == "'self' wss://support.example.kr"


def test_no_template_carries_inline_script_or_event_handlers() -> None:
    """The CSP runs no inline script and no eval: a template with either would break in the browser."""
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
    handler = re.compile(r"\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.I)
    evaluated = re.compile(r"hx-trigger=\"[^\"]*\[|hx-vals='js:|hx-vals=\"js:", re.I)  # htmx evals these strings
    found = []
    for template in (ROOT / "soridam").rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if "/emails/" in str(template) or "/email/" in str(template):
            continue  # mail bodies are not pages
        found += [f"{template}: {m.group(0)}" for m in inline_script.finditer(text)]
        found += [f"{template}: {m.group(0)}" for m in handler.finditer(text)]
        found += [f"{template}: {m.group(0)}" for m in evaluated.finditer(text)]
    assert found == []


@pytest.mark.django_db
def test_cookies_are_httponly_and_samesite_and_secure_over_tls(settings: Any, alice: User) -> None:
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client = Client()
    csrf = client.get("/workspace/login/").cookies["csrftoken"]
    session = client.post("/workspace/login/", {"username": "alice", "password": "pw-alice"}).cookies["sessionid"]
    for cookie in (csrf, session):
        assert cookie["secure"]
        assert cookie["httponly"]
        assert cookie["samesite"] == "Lax"


def test_the_tls_flag_turns_on_secure_cookies_and_hsts() -> None:
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)"
    )
    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "soridam.settings"}
    on = subprocess.run(
        [sys.executable, "-c", script], env={**base, "SECURE_COOKIES": "true"}, capture_output=True, text=True,
        cwd=ROOT, check=True,
    )  # fmt: skip
    off = subprocess.run(
        [sys.executable, "-c", script], env={**base, "SECURE_COOKIES": "false"}, capture_output=True, text=True,
        cwd=ROOT, check=True,
    )  # fmt: skip
    assert on.stdout.split() == ["True", "True", "True", "True"]
    assert off.stdout.split() == ["False", "False", "False", "False"]


@pytest.mark.django_db
def test_metrics_need_the_token_or_an_allowed_address(settings: Any) -> None:
    settings.SORIDAM_METRICS_TOKEN = "m3trics-token"
    settings.SORIDAM_METRICS_ALLOWED_IPS = ["127.0.0.1", "10.0.0.0/8"]
    outside = Client(REMOTE_ADDR="203.0.113.9")
    assert outside.get("/metrics").status_code == 403
    assert outside.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert outside.get("/metrics", headers={"Authorization": "Bearer m3trics-token"}).status_code == 200
    assert b"http_request" in outside.get("/metrics", headers={"Authorization": "Bearer m3trics-token"}).content
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200
    settings.SORIDAM_METRICS_TOKEN = ""
    assert outside.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 403


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("x")'])
def test_formula_cells_are_written_as_text(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


def test_plain_cells_and_numbers_are_unchanged() -> None:
    assert neutralise("김민지") == "김민지"
    assert neutralise(-3) == -3
    assert neutralise("") == ""


@given(st.lists(st.text(max_size=20), min_size=1, max_size=5))
def test_no_written_cell_starts_a_formula_and_the_rest_is_kept(row: list[str]) -> None:
    target = io.StringIO()
    SafeWriter(target).writerow(row)
    read = next(csv.reader(io.StringIO(target.getvalue())))
    for original, written in zip(row, read, strict=False):
        assert not written.startswith(FORMULA_STARTS) or original == written == ""
        assert written in (original, "'" + original) or "\r" in original
