"""While the database cannot be reached (a PostgreSQL restart, a fail-over, a locked SQLite file), every page and
API call answers 503 with ``Retry-After``: a client, a provider's webhook or a browser should try again, where
a 500 says the request itself is broken. Other errors stay 500."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import OperationalError, ProgrammingError, connection
from django.test import Client

from soridam.accounts.models import User
from soridam.lib.unavailable import RETRY_AFTER_SECONDS

pytestmark = pytest.mark.django_db


@contextmanager
def every_query_fails(error: Exception) -> Iterator[None]:
    """What the driver raises when the server has gone (Django's documented execution hook)."""

    def refuse(*args: Any) -> None:
        raise error

    with connection.execute_wrapper(refuse):
        yield


def test_a_page_answers_503_with_retry_after_while_the_database_is_down() -> None:
    client = Client(raise_request_exception=False)
    with every_query_fails(OperationalError("server closed the connection unexpectedly")):
        response = client.get("/help/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "text/html" in response["Content-Type"]
    assert b"try again" in response.content
    assert b"server closed" not in response.content  # nothing of the error itself reaches the visitor


def test_an_api_call_answers_503_in_the_api_error_shape(api_client: Callable[[User], Client], alice: User) -> None:
    client = api_client(alice)
    client.raise_request_exception = False
    with every_query_fails(OperationalError("could not connect to server")):
        response = client.get("/api/v1/cases")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    body = response.json()
    assert body["code"] == "unavailable"
    assert body["message"]
    assert "could not connect" not in response.content.decode()


def test_any_other_database_error_is_still_a_500() -> None:
    client = Client(raise_request_exception=False)
    with every_query_fails(ProgrammingError("relation does not exist")):
        response = client.get("/help/")
    assert response.status_code == 500
    assert not response.has_header("Retry-After")
