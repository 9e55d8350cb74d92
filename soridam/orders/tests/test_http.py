"""The shared HTTP helper against a real local server: each failure class becomes the right provider error."""

from __future__ import annotations

import pytest

from soridam.channels.tests.fakeprovider import FakeProvider
from soridam.orders import http
from soridam.orders.providers import ProviderAuthError, ProviderRefused, ProviderUnavailable

JSON = {"Content-Type": "application/json"}


def test_429_waits_for_retry_after_then_answers() -> None:
    waits: list[float] = []
    with FakeProvider() as fake:
        fake.script("/orders", (429, {"Retry-After": "2"}, b"{}"), (200, JSON, b'{"orders": []}'))
        answer = http.request_json("GET", f"{fake.url}/orders", what="orders", sleep=waits.append)
        assert answer.json() == {"orders": []}
        assert len(fake.to("/orders")) == 2
    assert waits == [2.0]


def test_429_past_the_bounded_retries_is_unavailable_with_retry_after() -> None:
    with FakeProvider((429, {"Retry-After": "1"}, b"{}")) as fake:
        with pytest.raises(ProviderUnavailable) as caught:
            http.request_json("GET", f"{fake.url}/orders", what="orders", sleep=lambda _s: None)
        assert len(fake.requests) == http.RATE_LIMIT_ATTEMPTS
    assert caught.value.retry_after == 1.0


def test_a_retry_after_longer_than_we_wait_goes_back_to_the_caller_at_once() -> None:
    with FakeProvider((429, {"Retry-After": "120"}, b"{}")) as fake:
        with pytest.raises(ProviderUnavailable) as caught:
            http.request_json("GET", f"{fake.url}/orders", what="orders", sleep=lambda _s: None)
        assert len(fake.requests) == 1
    assert caught.value.retry_after == 120.0


def test_5xx_is_unavailable_and_names_the_operation_not_the_url() -> None:
    with FakeProvider((503, {}, b"maintenance")) as fake, pytest.raises(ProviderUnavailable) as caught:
        http.request_json("GET", f"{fake.url}/orders?access=secret", what="Cafe24 orders")
    assert str(caught.value) == "Cafe24 orders: HTTP 503 maintenance"


def test_network_error_is_unavailable() -> None:
    with FakeProvider() as fake:
        url = fake.url
    with pytest.raises(ProviderUnavailable, match="network error"):
        http.request_json("GET", f"{url}/orders", what="orders")


def test_401_is_an_auth_error_and_other_4xx_a_refusal_with_the_answer() -> None:
    with FakeProvider() as fake:
        fake.script("/a", (401, JSON, b'{"error": "invalid_token"}'))
        fake.script("/b", (422, JSON, b'{"error": {"message": "too much"}}'))
        with pytest.raises(ProviderAuthError):
            http.request_json("GET", f"{fake.url}/a", what="a")
        with pytest.raises(ProviderRefused) as refused:
            http.request_json("POST", f"{fake.url}/b", body={"amount": 1}, what="b")
        assert fake.to("/b")[0].json() == {"amount": 1}
    assert isinstance(refused.value, http.Refused)
    assert refused.value.status == 422
    assert refused.value.json() == {"error": {"message": "too much"}}


def test_with_query_leaves_out_none() -> None:
    assert http.with_query("https://x/o", {"a": 1, "b": None, "c": "가"}) == "https://x/o?a=1&c=%EA%B0%80"
