"""403, 404 and 500 are pages of the site: its layout, in the visitor's language (issue 11, item 6)."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from soridam.accounts.models import Role, User

pytestmark = pytest.mark.django_db

STYLESHEET = "soridam/soridam.css"


def test_a_case_out_of_scope_is_a_styled_korean_404(alice_client: Client) -> None:
    response = alice_client.get("/workspace/cases/987654/", HTTP_ACCEPT_LANGUAGE="ko")
    page = response.content.decode()
    assert response.status_code == 404
    assert "페이지를 찾을 수 없습니다" in page
    assert STYLESHEET in page
    assert '<html lang="ko">' in page


def test_the_404_speaks_english_to_an_english_browser(client: Client) -> None:
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert STYLESHEET in response.content.decode()


def test_a_customer_account_in_the_workspace_gets_a_styled_korean_403(client: Client) -> None:
    customer = User.objects.create_user(username="kim", password="pw-kim", role=Role.CUSTOMER)
    client.force_login(customer)
    response = client.get("/workspace/", HTTP_ACCEPT_LANGUAGE="ko")
    page = response.content.decode()
    assert response.status_code == 403
    assert "접근 권한이 없습니다" in page
    assert STYLESHEET in page


def test_the_500_page_renders_without_a_request_context_in_korean() -> None:
    request = RequestFactory().get("/")
    with translation.override("ko"):
        response = server_error(request)
    page = response.content.decode()
    assert response.status_code == 500
    assert "문제가 발생했습니다" in page
    assert STYLESHEET in page
