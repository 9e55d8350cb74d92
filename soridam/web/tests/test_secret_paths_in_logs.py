"""No log line carries a private link's token: not in the message, not in the ``request=`` field."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import structlog
from django.test import Client

from soridam.cases.models import Case
from soridam.lib.logs import logging_config
from soridam.privacy.pii import mask_log_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """Everything logged, rendered by the project's own JSON formatter; Django's 404 lines included."""
    spec = logging_config("INFO", json=True, mask=mask_log_event)["formatters"]["structured"]
    formatter = structlog.stdlib.ProcessorFormatter(
        processors=spec["processors"], foreign_pre_chain=spec["foreign_pre_chain"]
    )
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.setFormatter(formatter)
    root, django_request = logging.getLogger(), logging.getLogger("django.request")
    level = django_request.level
    root.addHandler(handler)
    django_request.setLevel(logging.WARNING)
    try:
        yield output
    finally:
        root.removeHandler(handler)
        django_request.setLevel(level)


def test_404_and_500_on_private_links_log_no_token(
    log_output: io.StringIO, make_case: Callable[..., Case], monkeypatch: Any
) -> None:
    token = make_case().tracking_token
    client = Client(raise_request_exception=False)
    assert client.get(f"/track/{token}/files/424242/").status_code == 404
    assert client.get("/survey/a-survey-token-that-is-long-enough/").status_code == 404

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the page could not be built")

    monkeypatch.setattr("soridam.web.views.tracking_context", broken)
    assert client.get(f"/track/{token}/").status_code == 500
    logged = log_output.getvalue()
    assert "Not Found" in logged
    assert "Internal Server Error" in logged
    assert '"request": "GET /track/[token]/"' in logged
    assert token not in logged
    assert "a-survey-token-that-is-long-enough" not in logged
