"""TOTP second factor with recovery codes for admins, leads, mediators and auditors (R-SEC-2)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

import soridam.settings as project_settings
from soridam.accounts.models import Role, User
from soridam.accounts.tests.totp import key_of, totp

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _second_factor_on(settings: Any) -> None:
    settings.SORIDAM_REQUIRE_2FA = True


def enrol(client: Client, user: User) -> list[str]:
    """Enrol ``user`` through the pages, as a person would; the recovery codes shown."""
    page = client.get("/account/two-factor/")
    assert page.status_code == 200
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    shown = client.post("/account/two-factor/", {"code": totp(key_of(device.config_url))})
    assert shown.status_code == 200
    return re.findall(r"<li><code>([a-z0-9]+)</code></li>", shown.content.decode())


def password_login(username: str) -> Client:
    client = Client()
    response = client.post("/workspace/login/", {"username": username, "password": f"pw-{username}"})
    assert response.status_code == 302, response.content[:300]
    return client


def test_the_requirement_is_on_unless_the_environment_turns_it_off() -> None:
    assert project_settings.SORIDAM_REQUIRE_2FA is True


@pytest.mark.parametrize("url", ["/workspace/", "/admin/", "/workspace/settings/"])
def test_an_admin_without_a_second_factor_reaches_only_the_enrolment(root: User, url: str) -> None:
    client = Client()
    client.force_login(root)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/?next=")


@pytest.mark.parametrize("role", [Role.LEAD, Role.MEDIATOR, Role.AUDITOR])
def test_leads_mediators_and_auditors_must_enrol(teams: Any, role: str) -> None:
    user = User.objects.create_user(username="someone", password="pw-someone", role=role, is_staff=True)
    client = Client()
    client.force_login(user)
    assert client.get("/admin/")["Location"].startswith("/account/two-factor/")


def test_a_team_lead_by_membership_must_enrol_and_an_agent_need_not(lena: User, alice: User) -> None:
    lena.role = Role.AGENT
    lena.save()
    lead, agent = Client(), Client()
    lead.force_login(lena)
    agent.force_login(alice)
    assert lead.get("/workspace/").status_code == 302
    assert agent.get("/workspace/").status_code == 200


def test_htmx_requests_are_sent_to_the_second_factor_by_hx_redirect(root: User) -> None:
    client = Client()
    client.force_login(root)
    response = client.get("/workspace/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/account/two-factor/")


def test_enrolment_confirms_one_code_and_shows_ten_recovery_codes_once(root: User) -> None:
    client = Client()
    client.force_login(root)
    device = TOTPDevice.objects.create(user=root, confirmed=False)  # the page reuses a pending device
    assert client.post("/account/two-factor/", {"code": "000000"}).status_code == 400
    codes = enrol(client, root)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=root, confirmed=True).pk == device.pk
    assert client.get("/workspace/").status_code == 200  # verified in this session by the enrolment
    assert client.get("/account/two-factor/")["Location"] == "/account/two-factor/verify/"  # shown once only


def test_a_wrong_enrolment_code_confirms_nothing(root: User) -> None:
    client = Client()
    client.force_login(root)
    client.get("/account/two-factor/")
    assert client.post("/account/two-factor/", {"code": "12345x"}).status_code == 400
    assert not TOTPDevice.objects.filter(user=root, confirmed=True).exists()
    assert client.get("/workspace/").status_code == 302


def test_sign_in_is_password_then_code_and_the_session_key_changes(root: User) -> None:
    enrol_client = Client()
    enrol_client.force_login(root)
    enrol(enrol_client, root)
    client = Client()
    client.get("/workspace/login/")
    client.session.save()
    before = client.cookies["sessionid"].value if "sessionid" in client.cookies else ""
    client.post("/workspace/login/", {"username": "root", "password": "pw-root"})
    assert client.cookies["sessionid"].value != before
    assert client.get("/workspace/")["Location"].startswith("/account/two-factor/verify/?next=")
    device = TOTPDevice.objects.get(user=root)
    assert client.post("/account/two-factor/verify/", {"code": "000000"}).status_code == 400
    code = totp(key_of(device.config_url), steps_ahead=1)  # the enrolment used this window's code
    done = client.post("/account/two-factor/verify/", {"code": code, "next": "/workspace/"})
    assert done.status_code == 302
    assert done["Location"] == "/workspace/"
    assert client.get("/workspace/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_a_totp_code_is_not_accepted_twice(root: User) -> None:
    enrol_client = Client()
    enrol_client.force_login(root)
    enrol(enrol_client, root)
    code = totp(key_of(TOTPDevice.objects.get(user=root).config_url), steps_ahead=1)
    first, second = password_login("root"), password_login("root")
    assert first.post("/account/two-factor/verify/", {"code": code}).status_code == 302
    assert second.post("/account/two-factor/verify/", {"code": code}).status_code == 400


def test_a_recovery_code_signs_in_once(root: User) -> None:
    enrol_client = Client()
    enrol_client.force_login(root)
    codes = enrol(enrol_client, root)
    first = password_login("root")
    assert first.post("/account/two-factor/verify/", {"code": codes[3].upper()}).status_code == 302
    assert first.get("/workspace/").status_code == 200
    assert StaticToken.objects.filter(device__user=root).count() == 9
    again = password_login("root")
    assert again.post("/account/two-factor/verify/", {"code": codes[3]}).status_code == 400
    assert again.get("/workspace/").status_code == 302


def test_the_admin_login_asks_for_the_code_too(root: User) -> None:
    enrol_client = Client()
    enrol_client.force_login(root)
    enrol(enrol_client, root)
    client = Client()
    assert client.post("/admin/login/", {"username": "root", "password": "pw-root"}).status_code == 302
    assert client.get("/admin/")["Location"].startswith("/account/two-factor/verify/?next=/admin/")
