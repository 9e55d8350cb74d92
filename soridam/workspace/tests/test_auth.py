from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from soridam.accounts.models import User

pytestmark = pytest.mark.django_db

WORKSPACE_PAGES = ["/workspace/", "/workspace/settings/"]


def test_login_page_has_labelled_username_and_password_fields() -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/workspace/login/").content.decode()
    assert '<label for="id_username">Username</label>' in page
    assert '<label for="id_password">Password</label>' in page
    assert '<button type="submit">Sign in</button>' in page
    # The browser test presses the last submit button of the page: it must be "Sign in".
    assert page.rindex('type="submit"') == page.index('<button type="submit">Sign in</button>') + len("<button ")


def test_agent_signs_in_and_the_workspace_speaks_their_language(alice: User) -> None:
    alice.language = "en"
    alice.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    response = client.post("/workspace/login/", {"username": "alice", "password": "pw-alice"})
    assert response.status_code == 302
    assert response["Location"] == "/workspace/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    inbox = client.get("/workspace/").content.decode()
    assert '<html lang="en">' in inbox
    assert "Sign out" in inbox


def test_korean_agent_gets_the_workspace_in_korean(alice: User) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post("/workspace/login/", {"username": "alice", "password": "pw-alice"})
    assert '<html lang="ko">' in client.get("/workspace/").content.decode()


def test_wrong_password_shows_an_error_and_signs_nobody_in(alice: User) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/workspace/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert client.get("/workspace/").status_code == 302


def test_customer_account_cannot_sign_in_to_the_workspace(customer_user: User) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/workspace/login/", {"username": "kim", "password": "pw-kim"})
    assert response.status_code == 200
    assert "This account cannot use the agent workspace." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", WORKSPACE_PAGES)
def test_customer_role_user_gets_403_on_workspace_pages(customer_user: User, url: str) -> None:
    client = Client()
    client.force_login(customer_user)
    assert client.get(url).status_code == 403


def test_customer_role_user_gets_403_on_case_pages_and_actions(customer_user: User, make_case: Any) -> None:
    case = make_case()
    client = Client()
    client.force_login(customer_user)
    assert client.get(f"/workspace/cases/{case.pk}/").status_code == 403
    assert client.post(f"/workspace/cases/{case.pk}/reply/", {"body": "hi"}).status_code == 403
    assert not case.messages.filter(kind="reply").exists()


@pytest.mark.parametrize("url", WORKSPACE_PAGES)
def test_anonymous_visitor_is_sent_to_the_login_page(db: None, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/workspace/login/?next=")


def test_login_posts_beyond_the_limit_get_429_with_retry_after(alice: User, settings: Any) -> None:
    settings.SORIDAM_RATE_LIMITS = {**settings.SORIDAM_RATE_LIMITS, "login": 2}
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(2):
        assert client.post("/workspace/login/", {"username": "alice", "password": "wrong"}).status_code == 200
    response = client.post("/workspace/login/", {"username": "alice", "password": "pw-alice"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too many sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_agent_chooses_english_in_settings(alice: User, alice_client: Client) -> None:
    assert alice.language == "ko"
    response = alice_client.post("/workspace/settings/", {"language": "en"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.language == "en"
    page = alice_client.get("/workspace/settings/").content.decode()
    assert '<html lang="en">' in page
    assert "Your settings are saved." in page


def test_settings_refuse_an_unknown_language(alice: User, alice_client: Client) -> None:
    response = alice_client.post("/workspace/settings/", {"language": "fr"})
    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.language == "ko"


def test_sign_out_ends_the_session(alice_client: Client) -> None:
    response = alice_client.post("/workspace/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/workspace/login/"
    assert alice_client.get("/workspace/").status_code == 302
