"""The workspace's navigation and shortcut list are rendered once per process for each language and role
(``rendered_once``): every page must still get its own language's and role's version, and its own CSRF token."""

from __future__ import annotations

from django.test import Client, override_settings

from soridam.accounts.models import User


def _page(user: User, language: str) -> str:
    user.language = language
    user.save()
    client = Client()
    client.force_login(user)
    return client.get("/workspace/").content.decode()


@override_settings(SORIDAM_REQUIRE_2FA=False)
def test_each_language_and_role_gets_its_own_navigation(alice: User, root: User) -> None:
    korean = _page(alice, "ko")
    assert ">받은 문의함</a>" in korean
    assert 'title="단축키"' in korean
    assert "/workspace/privacy/requests/" not in korean  # an agent's navigation has no privacy requests

    english = _page(alice, "en")
    assert ">Inbox</a>" in english
    assert 'title="Keyboard shortcuts"' in english
    assert "받은 문의함" not in english
    assert ">Keyboard shortcuts</h2>" in english  # the shortcut list, in the same language

    admin = _page(root, "en")
    assert '<a href="/workspace/privacy/requests/">Privacy requests</a>' in admin
    assert '<a href="/workspace/privacy/requests/">' not in _page(alice, "en")  # the admin's copy stays theirs


def test_the_sign_out_form_carries_each_requests_own_token(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    page = client.get("/workspace/").content.decode()
    token = page.split('class="logout-form">', 1)[1].split('name="csrfmiddlewaretoken" value="', 1)[1].split('"')[0]
    assert client.post("/workspace/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert client.get("/workspace/").status_code == 302  # signed out: the token was this session's
