"""Requests no page can serve get a 4xx with a reason, never a 500 (probed against the running product)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from soridam.cases.models import Case

pytestmark = pytest.mark.django_db


def _browser() -> Client:
    """A client that checks CSRF like the real site does (the test client skips it by default)."""
    client = Client(enforce_csrf_checks=True)
    client.get("/complaint/")
    return client


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/track/{token}%00/"),
        ("post", "/track/{token}%00/reply/"),
        ("get", "/track/{token}%00/files/1/"),
        ("get", "/track/{token}/files/1%00/"),
        ("get", "/survey/{token}%00/"),
        ("get", "/track/{token}/?from=%00"),
    ],
)
def test_nul_byte_in_a_private_link_gets_a_4xx(method: str, path: str, make_case: Callable[..., Case]) -> None:
    token = make_case().tracking_token
    response = getattr(Client(), method)(path.format(token=token))
    assert response.status_code in {400, 404}


@pytest.mark.parametrize("charset", ["cp949", "latin-1", "EUC-KR"])
def test_form_posted_in_another_charset_gets_400_saying_so(charset: str, teams: object) -> None:
    client = _browser()
    body = f"csrfmiddlewaretoken={client.cookies['csrftoken'].value}&name=%B1%E8&email=a%40b.kr&text=%B9%E8%BC%DB"
    response = client.generic(
        "POST", "/complaint/", body, content_type=f"application/x-www-form-urlencoded; charset={charset}"
    )
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    assert not Case.objects.exists()


def test_form_declared_as_utf8_still_files_the_complaint(teams: object) -> None:
    client = _browser()
    body = (
        f"csrfmiddlewaretoken={client.cookies['csrftoken'].value}&name=%EA%B9%80&email=a%40b.kr&category=delivery"
        "&text=%EB%B0%B0%EC%86%A1%EC%9D%B4+%EC%97%B4%ED%9D%98%EC%A7%B8+%EC%95%88+%EC%99%80%EC%9A%94"
    )
    response = client.generic(
        "POST", "/complaint/", body, content_type='application/x-www-form-urlencoded; charset="UTF-8"'
    )
    assert response.status_code == 302


def test_a_form_django_refuses_to_read_gets_a_plain_400(teams: object) -> None:
    client = _browser()
    fields = "&".join(f"f{number}=x" for number in range(1100))  # over DATA_UPLOAD_MAX_NUMBER_FIELDS
    body = f"csrfmiddlewaretoken={client.cookies['csrftoken'].value}&{fields}"
    response = client.generic("POST", "/complaint/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response.content
