"""Two-step sign-in, lockout and idle sign-out in Debian's chromium (issue 19 §7, R-SEC-2), with the second
factor required as in production: the admin enrols by reading the key off the page into an authenticator (an
RFC 6238 oracle in the test), signs out, signs in with password and code; five wrong codes lock the account;
an agent left idle past the limit is signed out and told so. No script error and no CSP violation on the way."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from soridam.accounts.models import User
from soridam.accounts.tests.totp import totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(django_settings.BASE_DIR) / "var" / "screenshots"


def watch_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(f"{message.text} {message.location}") if message.type == "error" else None,
    )
    return errors


def real(errors: list[str]) -> list[str]:
    """Errors but the browser's own favicon request (we serve none) and the refusals the test provokes: a wrong
    code answers 400, a locked sign-in 403."""
    expected = ("favicon.ico", "status of 403", "status of 400")
    return [e for e in errors if not any(part in e for part in expected)]


def sign_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/workspace/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[action='/workspace/login/'] button[type=submit]")


def sign_out(page: Any) -> None:
    page.click(".logout-form button[type=submit]")
    page.wait_for_url("**/workspace/login/")


def key_from_page(page: Any) -> bytes:
    import base64

    secret = page.inner_text("[data-otp-key]").replace(" ", "")
    return base64.b32decode(secret + "=" * (-len(secret) % 8))


def test_enrol_sign_in_with_a_code_and_five_wrong_codes_lock(
    browser_page: Any, live_server: Any, settings: Any, root: User
) -> None:
    settings.SORIDAM_REQUIRE_2FA = True
    page, base = browser_page, live_server.url
    errors = watch_errors(page)
    SHOTS.mkdir(parents=True, exist_ok=True)

    sign_in(page, base, "root", "pw-root")
    page.wait_for_url(re.compile(r"/account/two-factor/\?next="))
    assert page.locator("[data-otpauth-qr] svg").is_visible()
    key, enrolled_at = key_from_page(page), time.time()
    page.fill("#otp-code", totp(key, at=enrolled_at))
    page.click("form[action='/account/two-factor/'] button[type=submit]")
    page.wait_for_selector("[data-recovery-codes]")
    assert page.locator("[data-recovery-codes] li").count() == 10
    page.screenshot(path=str(SHOTS / "two-factor-recovery-codes.png"), full_page=True)
    page.click("article a[role=button]")
    page.wait_for_url(f"{base}/workspace/")
    sign_out(page)

    # Password, then the code: the next one, since the enrolment used this window's.
    sign_in(page, base, "root", "pw-root")
    page.wait_for_url(re.compile(r"/account/two-factor/verify/\?next="))
    page.fill("#otp-code", totp(key, at=enrolled_at, steps_ahead=1))
    page.click("form[action='/account/two-factor/verify/'] button[type=submit]")
    page.wait_for_url(f"{base}/workspace/")
    page.goto(f"{base}/admin/")
    assert page.url == f"{base}/admin/"  # the admin too, in this verified session
    page.goto(f"{base}/workspace/")
    sign_out(page)

    sign_in(page, base, "root", "pw-root")
    page.wait_for_url(re.compile(r"/account/two-factor/verify/\?next="))
    for attempt in range(5):
        page.fill("#otp-code", f"{attempt:06d}")
        page.click("form[action='/account/two-factor/verify/'] button[type=submit]")
        page.wait_for_load_state()
    page.wait_for_url("**/workspace/login/")
    assert "15" in page.inner_text(".flash-messages")
    page.screenshot(path=str(SHOTS / "two-factor-locked.png"), full_page=True)
    sign_in(page, base, "root", "pw-root")  # the right password is refused while locked
    assert page.locator("[role=alert]").inner_text().count("15") == 1
    assert "/workspace/login/" in page.url
    root.refresh_from_db()
    assert root.locked_until is not None
    assert real(errors) == []


def test_idle_sign_out(browser_page: Any, live_server: Any, settings: Any, alice: User) -> None:
    settings.SORIDAM_REQUIRE_2FA = True  # an agent needs no second factor
    settings.SORIDAM_IDLE_LOGOUT_SECONDS = 3
    page, base = browser_page, live_server.url
    errors = watch_errors(page)
    sign_in(page, base, "alice", "pw-alice")
    page.wait_for_url(f"{base}/workspace/")
    page.wait_for_timeout(4000)  # pollers may run meanwhile: they do not count as activity
    if "/workspace/login/" not in page.url:
        page.reload()
    page.wait_for_url("**/workspace/login/**")
    assert page.locator("[data-idle-signed-out]").is_visible()
    page.goto(f"{base}/workspace/")
    assert "/workspace/login/" in page.url
    assert real(errors) == []
