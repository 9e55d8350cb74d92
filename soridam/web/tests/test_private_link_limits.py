"""Every request to a private link counts against the tracking limit, not only the forms posted there."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.test import Client

from soridam.cases.models import Case

pytestmark = pytest.mark.django_db


def test_tracking_page_views_beyond_the_limit_get_429(client: Client, make_case: Callable[..., Case]) -> None:
    if time.time() % 60 > 45:  # all the views in one clock minute
        time.sleep(61 - time.time() % 60)
    case = make_case()
    for _view in range(60):
        assert client.get(f"/track/{case.tracking_token}/").status_code == 200
    refused = client.get(f"/track/{case.tracking_token}/")
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert client.get("/track/guessed-token/").status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.4").get(f"/track/{case.tracking_token}/").status_code == 200
