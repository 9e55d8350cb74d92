"""One answer to "does this request want a fragment?" for the customer pages, the help centre and the workspace."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from soridam.lib.htmx import is_htmx


@pytest.mark.parametrize(
    ("headers", "fragment"),
    [
        ({}, False),
        ({"HX-Request": "true"}, True),
        ({"HX-Request": "false"}, False),
        ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, False),  # Back: the whole page
        ({"HX-History-Restore-Request": "true"}, False),
    ],
)
def test_only_an_htmx_request_that_is_no_history_restore_wants_a_fragment(
    headers: dict[str, str], fragment: bool
) -> None:
    assert is_htmx(RequestFactory().get("/", headers=headers)) is fragment
