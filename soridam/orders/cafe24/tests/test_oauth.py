"""Connecting a shop through the admin: Cafe24's authorisation-code flow with a mandatory, single-use state."""

from __future__ import annotations

import urllib.parse
import urllib.request

import pytest
from django.test import Client

from soridam.accounts.models import User
from soridam.orders.cafe24.tests.fake import FakeCafe24
from soridam.orders.models import Provider, Shop

CALLBACK = "/orders/cafe24/callback/"


@pytest.fixture
def new_shop(db: None, cafe24: FakeCafe24) -> Shop:
    return Shop.objects.create(
        provider=Provider.CAFE24,
        name="Linen & Co",
        slug="linen",
        base_url=cafe24.url,
        client_id=cafe24.client_id,
        client_secret=cafe24.client_secret,
        options={"mall_id": "demo", "redirect_uri": "https://soridam.test/orders/cafe24/callback/"},
    )


@pytest.fixture
def admin_client(root: User) -> Client:
    client = Client()
    client.force_login(root)
    return client


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _approve_on_cafe24(authorize_url: str) -> dict[str, str]:
    """The operator approves on Cafe24's page; the query Cafe24 sends the browser back with."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(authorize_url, timeout=5)
    except urllib.error.HTTPError as redirect:
        location = redirect.headers["Location"]
    query = urllib.parse.urlsplit(location).query
    return {key: values[0] for key, values in urllib.parse.parse_qs(query).items()}


def _start(client: Client, shop: Shop) -> str:
    answer = client.get(f"/orders/cafe24/{shop.pk}/connect/")
    assert answer.status_code == 302
    return str(answer["Location"])


def test_an_admin_connects_a_shop_and_its_tokens_are_stored(
    admin_client: Client, new_shop: Shop, cafe24: FakeCafe24
) -> None:
    authorize = _start(admin_client, new_shop)
    sent = urllib.parse.parse_qs(urllib.parse.urlsplit(authorize).query)
    assert authorize.startswith(f"{cafe24.url}/api/v2/oauth/authorize?")
    assert sent["response_type"] == ["code"]
    assert sent["redirect_uri"] == ["https://soridam.test/orders/cafe24/callback/"]
    assert sent["state"][0]
    back = _approve_on_cafe24(authorize)
    assert admin_client.get(CALLBACK, back).status_code == 302
    new_shop.refresh_from_db()
    assert new_shop.access_token
    assert new_shop.refresh_token
    assert new_shop.token_expires_at is not None
    token_call = cafe24.to("/api/v2/oauth/token")[0]
    assert urllib.parse.parse_qs(token_call.body.decode())["grant_type"] == ["authorization_code"]


def test_a_callback_whose_state_is_replayed_forged_or_missing_is_refused(
    admin_client: Client, new_shop: Shop, cafe24: FakeCafe24
) -> None:
    back = _approve_on_cafe24(_start(admin_client, new_shop))
    assert admin_client.get(CALLBACK, back).status_code == 302
    assert admin_client.get(CALLBACK, back).status_code == 400  # the state was used once already
    assert admin_client.get(CALLBACK, {**back, "state": back["state"] + "x"}).status_code == 400
    assert admin_client.get(CALLBACK, {"code": back["code"]}).status_code == 400
    assert len(cafe24.to("/api/v2/oauth/token")) == 1


def test_a_state_started_in_another_browser_is_refused(
    admin_client: Client, root: User, new_shop: Shop, cafe24: FakeCafe24
) -> None:
    back = _approve_on_cafe24(_start(admin_client, new_shop))
    other = Client()
    other.force_login(root)
    assert other.get(CALLBACK, back).status_code == 400
    assert cafe24.to("/api/v2/oauth/token") == []


def test_a_code_older_than_a_minute_is_refused_and_the_shop_stays_unconnected(
    admin_client: Client, new_shop: Shop, cafe24: FakeCafe24
) -> None:
    back = _approve_on_cafe24(_start(admin_client, new_shop))
    cafe24.advance(61)
    answer = admin_client.get(CALLBACK, back, follow=True)
    assert "Cafe24" in answer.content.decode()
    new_shop.refresh_from_db()
    assert new_shop.access_token == ""


def test_only_a_staff_admin_may_connect_a_shop(alice_client: Client, new_shop: Shop) -> None:
    assert alice_client.get(f"/orders/cafe24/{new_shop.pk}/connect/").status_code == 403
    assert alice_client.get(CALLBACK, {"state": "x", "code": "y"}).status_code == 403
