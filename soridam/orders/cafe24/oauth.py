"""Cafe24's OAuth 2.0 authorisation-code flow and token refresh (R-CRM-5).

1. An admin starts at ``authorize_url``: Cafe24 asks the mall's operator to approve our scopes, then sends
   the browser back to our callback with ``code`` and the ``state`` we gave. ``state`` is mandatory: ours is
   signed, expires, names the shop, and carries a nonce kept in the admin's session that the callback pops
   (single use) and compares in constant time, so a callback we did not start, a replayed one and one
   started in another browser are refused.
2. The code is valid for one minute: the callback exchanges it at once (``POST /api/v2/oauth/token``,
   ``grant_type=authorization_code``, the client id and secret as HTTP Basic).
3. The access token lives about two hours; the refresh token (about two weeks) buys a new pair. Cafe24
   issues a new refresh token with each refresh and the old one stops working, so two workers must not
   refresh at once: ``refresh`` holds the shop's row lock and reuses a pair another worker just saved.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import urllib.parse
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.db import transaction
from django.utils import timezone

from soridam.orders import http
from soridam.orders.models import Shop
from soridam.orders.providers import ProviderAuthError

KST = ZoneInfo("Asia/Seoul")  # Cafe24 answers token expiry times in Korean local time
DEFAULT_SCOPES = "mall.read_order,mall.write_order,mall.read_customer"
STATE_MAX_AGE = 600  # seconds an admin has to approve on Cafe24's page
_STATE_SALT = "soridam.orders.cafe24.state"
_SESSION_KEY = "cafe24_oauth_state"
# Refresh this long before the access token expires, so a call never starts with a token about to lapse.
REFRESH_MARGIN = timedelta(minutes=5)


class StateRefused(Exception):
    """The callback's ``state`` is not one this browser's session started (or it is too old)."""


def start(shop: Shop, session: SessionBase, *, redirect_uri: str) -> str:
    """Where to send the admin's browser: Cafe24's consent page for this shop, with a fresh ``state``."""
    nonce = secrets.token_urlsafe(24)
    session[_SESSION_KEY] = {"shop": shop.pk, "nonce": nonce}
    state = signing.TimestampSigner(salt=_STATE_SALT).sign_object({"shop": shop.pk, "nonce": nonce})
    query = {
        "response_type": "code",
        "client_id": shop.client_id,
        "state": state,
        "redirect_uri": redirect_uri,
        "scope": str(shop.options.get("scopes") or DEFAULT_SCOPES),
    }
    return f"{shop.base_url.rstrip('/')}/api/v2/oauth/authorize?{urllib.parse.urlencode(query)}"


def checked_state(state: str, session: SessionBase) -> int:
    """The shop id this callback is for; ``StateRefused`` unless the state is ours, fresh and unused."""
    pending = session.pop(_SESSION_KEY, None)  # single use: a second callback with the same state fails here
    try:
        value = signing.TimestampSigner(salt=_STATE_SALT).unsign_object(state, max_age=STATE_MAX_AGE)
    except signing.BadSignature:
        raise StateRefused("bad or expired state") from None
    if not isinstance(pending, dict) or not isinstance(value, dict):
        raise StateRefused("no authorisation was started in this session")
    same_nonce = hmac.compare_digest(str(value.get("nonce", "")), str(pending.get("nonce", "")))
    if not same_nonce or value.get("shop") != pending.get("shop"):
        raise StateRefused("state does not match this session")
    return int(value["shop"])


def exchange_code(shop: Shop, code: str, *, redirect_uri: str) -> None:
    """Trade the one-minute code for the shop's first token pair, saved on the shop."""
    answer = _token_call(shop, {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri})
    _save_tokens(shop, answer)


def needs_refresh(shop: Shop, *, now: datetime | None = None) -> bool:
    if not shop.access_token:
        return True
    expires = shop.token_expires_at
    return expires is None or expires - REFRESH_MARGIN <= (now or timezone.now())


def refresh(shop: Shop, *, used_token: str) -> None:
    """New tokens for the shop, unless another worker refreshed since we read ``used_token``."""
    with transaction.atomic():
        locked = Shop.objects.select_for_update().get(pk=shop.pk)
        if locked.access_token != used_token and not needs_refresh(locked):
            _copy_tokens(locked, shop)
            return
        if not locked.refresh_token:
            raise ProviderAuthError("Cafe24: the shop is not authorised (connect it in the admin)")
        answer = _token_call(locked, {"grant_type": "refresh_token", "refresh_token": locked.refresh_token})
        _save_tokens(locked, answer)
        _copy_tokens(locked, shop)


def _token_call(shop: Shop, form: dict[str, str]) -> dict[str, Any]:
    basic = base64.b64encode(f"{shop.client_id}:{shop.client_secret}".encode()).decode()
    try:
        answer = http.request(
            "POST",
            f"{shop.base_url.rstrip('/')}/api/v2/oauth/token",
            data=urllib.parse.urlencode(form).encode(),
            headers={"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
            what=f"Cafe24 token ({form['grant_type']})",
        )
    except http.Refused as refused:  # invalid_grant: an expired code or refresh token
        raise ProviderAuthError(str(refused)) from None
    body = answer.json()
    if not isinstance(body, dict) or not body.get("access_token"):
        raise ProviderAuthError("Cafe24 token: the answer has no access token")
    return body


def _save_tokens(shop: Shop, answer: dict[str, Any]) -> None:
    shop.access_token = str(answer["access_token"])
    shop.refresh_token = str(answer.get("refresh_token") or shop.refresh_token)
    shop.token_expires_at = _expiry(answer)
    shop.save(update_fields=["access_token", "refresh_token", "token_expires_at"])


def _expiry(answer: dict[str, Any]) -> datetime:
    """Cafe24 answers ``expires_at`` as a local KST time without an offset; ``expires_in`` is a fallback."""
    raw = str(answer.get("expires_at") or "")
    if raw:
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=KST)
    return timezone.now() + timedelta(seconds=int(answer.get("expires_in") or 7200))


def _copy_tokens(source: Shop, target: Shop) -> None:
    target.access_token = source.access_token
    target.refresh_token = source.refresh_token
    target.token_expires_at = source.token_expires_at
