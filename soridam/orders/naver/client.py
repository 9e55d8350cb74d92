"""Talking to the Naver Commerce API (``https://api.commerce.naver.com/external``): the signed
client-credentials token and one request function that turns the vendor's answers into provider errors.

Token (apicenter.commerce.naver.com/docs/auth, "인증 토큰 발급 요청"): ``POST /v1/oauth2/token`` as
``application/x-www-form-urlencoded`` with ``client_id``, ``timestamp`` (ms, valid 5 minutes),
``grant_type=client_credentials``, ``type`` (``SELF``, or ``SELLER`` with ``account_id``) and
``client_secret_sign`` = base64(bcrypt(``{client_id}_{timestamp}``, the client secret as the salt)). A token
lives 3 hours; Naver hands back the same token while more than 30 minutes remain, so we reuse ours until
then, and ask once more when an API call answers 401 (the gateway's ``GW.AUTHN``).

Limits (docs/restriction): a token bucket per application; past it the gateway answers 429
``GW.RATE_LIMIT``. ``orders/http.py`` waits a short ``Retry-After`` (or one second, the bucket's refill) and
tries again a couple of times; a longer wait, 5xx and network errors become ``ProviderUnavailable``.
"""

from __future__ import annotations

import base64
import time
import urllib.parse
from datetime import timedelta
from typing import Any

import bcrypt
from django.utils import timezone

from soridam.orders import http
from soridam.orders.models import Shop
from soridam.orders.providers import ProviderAuthError, ProviderRefused

TOKEN_PATH = "/v1/oauth2/token"  # noqa: S105 - a URL path, not a secret
# Naver reissues a token only when less than 30 minutes of its 3 hours remain; before that it returns ours.
REFRESH_MARGIN = timedelta(minutes=30)


class NotFound(ProviderRefused):
    """The API answered 404: no such order (or product order) in this shop."""


def client_secret_sign(client_id: str, client_secret: str, timestamp_ms: int) -> str:
    """The electronic signature Naver asks for: base64 of bcrypt(``client_id_timestamp``) salted with the secret."""
    hashed = bcrypt.hashpw(f"{client_id}_{timestamp_ms}".encode(), client_secret.encode())
    return base64.standard_b64encode(hashed).decode()


class NaverClient:
    def __init__(self, shop: Shop) -> None:
        self.shop = shop

    def get(self, path: str, query: dict[str, str] | None = None) -> Any:
        return self.request("GET", http.with_query(path, query or {}))

    def post(self, path: str, body: object | None = None) -> Any:
        return self.request("POST", path, body)

    def request(self, method: str, path: str, body: object | None = None) -> Any:
        """The ``data`` member of Naver's JSON answer; a 401 gets one fresh token and one more try."""
        what = f"Naver Commerce {method} {path.split('?')[0]}"
        try:
            return self._send(method, path, body, token=self._token(), what=what)
        except http.Unauthorised:
            return self._send(method, path, body, token=self._token(force=True), what=what)

    def _send(self, method: str, path: str, body: object | None, *, token: str, what: str) -> Any:
        headers = {"Authorization": f"Bearer {token}"}
        try:
            answer = http.request_json(method, self._url(path), body=body, headers=headers, what=what)
        except http.Refused as exc:
            if exc.status == 404:
                raise NotFound(str(exc)) from None
            raise
        payload = answer.json()
        return payload.get("data") if isinstance(payload, dict) else None

    def _token(self, *, force: bool = False) -> str:
        shop = self.shop
        expires = shop.token_expires_at
        if not force and shop.access_token and expires and expires - timezone.now() > REFRESH_MARGIN:
            return str(shop.access_token)
        return self._issue_token()

    def _issue_token(self) -> str:
        shop = self.shop
        timestamp = int(time.time() * 1000)
        form = {
            "client_id": shop.client_id,
            "timestamp": str(timestamp),
            "grant_type": "client_credentials",
            "client_secret_sign": client_secret_sign(shop.client_id, str(shop.client_secret), timestamp),
            "type": shop.options.get("token_type", "SELF"),
        }
        if form["type"] == "SELLER":
            form["account_id"] = shop.options.get("account_id", "")
        answer = self._token_answer(urllib.parse.urlencode(form).encode())
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not token:
            raise ProviderAuthError("Naver Commerce token: the answer carried no access_token")
        shop.access_token = token
        shop.token_expires_at = timezone.now() + timedelta(seconds=int(answer.get("expires_in") or 10800))
        shop.save(update_fields=["access_token", "token_expires_at"])
        return str(token)

    def _token_answer(self, form: bytes) -> Any:
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
        try:
            return http.request(
                "POST", self._url(TOKEN_PATH), data=form, headers=headers, what="Naver Commerce token"
            ).json()
        except http.Refused as exc:
            # A refused signature, client id or server IP (400/403): a person must check the shop's credentials.
            raise ProviderAuthError(str(exc)) from None

    def _url(self, path: str) -> str:
        return self.shop.base_url.rstrip("/") + path
