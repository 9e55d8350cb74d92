"""Talking to the Naver Commerce API (``https://api.commerce.naver.com/external``): the signed
client-credentials token and one request function that turns the vendor's answers into provider errors.

Token (apicenter.commerce.naver.com/docs/auth, "인증 토큰 발급 요청"): ``POST /v1/oauth2/token`` as
``application/x-www-form-urlencoded`` with ``client_id``, ``timestamp`` (ms, valid 5 minutes),
``grant_type=client_credentials``, ``type`` (``SELF``, or ``SELLER`` with ``account_id``) and
``client_secret_sign`` = base64(bcrypt(``{client_id}_{timestamp}``, the client secret as the salt)). A token
lives 3 hours; Naver hands back the same token while more than 30 minutes remain, so we reuse ours until
then, and ask once more when an API call answers 401 (the gateway's ``GW.AUTHN``).

Limits (docs/restriction): a token bucket per application; past it the gateway answers 429
``GW.RATE_LIMIT``. We wait a short ``Retry-After`` (or one second, the bucket's refill) and try again a
couple of times; a longer wait, 5xx and network errors become ``ProviderUnavailable``.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.parse
from datetime import timedelta
from typing import Any

import bcrypt
from django.utils import timezone

from soridam.channels.base import TransportError
from soridam.channels.http import HttpError, call
from soridam.orders.models import Shop
from soridam.orders.providers import ProviderAuthError, ProviderRefused, ProviderUnavailable

TOKEN_PATH = "/v1/oauth2/token"  # noqa: S105 - a URL path, not a secret
# Naver reissues a token only when less than 30 minutes of its 3 hours remain; before that it returns ours.
REFRESH_MARGIN = timedelta(minutes=30)
MAX_INLINE_WAIT = 5.0  # seconds we wait inside one call for the rate limit; longer waits go to the caller
RATE_LIMIT_RETRIES = 2
DEFAULT_RATE_WAIT = 1.0  # the token bucket refills every second when the gateway gives no Retry-After


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
        suffix = f"?{urllib.parse.urlencode(query)}" if query else ""
        return self.request("GET", path + suffix)

    def post(self, path: str, body: object | None = None) -> Any:
        return self.request("POST", path, body)

    def request(self, method: str, path: str, body: object | None = None) -> Any:
        """The ``data`` member of Naver's JSON answer; 401 gets one fresh token, 429 a short wait."""
        fresh_token = False
        for attempt in range(RATE_LIMIT_RETRIES + 2):
            try:
                return self._send(method, path, body, token=self._token(force=fresh_token))
            except HttpError as exc:
                if exc.status == 401 and not fresh_token:
                    fresh_token = True
                    continue
                wait = _rate_wait(exc)
                if wait is not None and attempt < RATE_LIMIT_RETRIES and wait <= MAX_INLINE_WAIT:
                    time.sleep(wait)
                    continue
                raise _provider_error(f"Naver Commerce {method} {_route(path)}", exc) from None
        raise ProviderUnavailable(f"Naver Commerce {method} {_route(path)}: still rate limited")

    def _send(self, method: str, path: str, body: object | None, *, token: str) -> Any:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        try:
            answer = call(method, self._url(path), data=data, headers=headers, what=f"Naver Commerce {_route(path)}")
        except HttpError:
            raise
        except TransportError as exc:
            raise ProviderUnavailable(str(exc), retry_after=exc.retry_after) from None
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
            return call("POST", self._url(TOKEN_PATH), data=form, headers=headers, what="Naver Commerce token").json()
        except HttpError as exc:
            if exc.status in {400, 401, 403}:
                # A refused signature or client id: a person must check the shop's credentials and server IP.
                raise ProviderAuthError(f"Naver Commerce token: HTTP {exc.status} {_code(exc)}".strip()) from None
            raise _provider_error("Naver Commerce token", exc) from None
        except TransportError as exc:
            raise ProviderUnavailable(str(exc), retry_after=exc.retry_after) from None

    def _url(self, path: str) -> str:
        return self.shop.base_url.rstrip("/") + path


def _rate_wait(exc: HttpError) -> float | None:
    if exc.status != 429:
        return None
    return exc.retry_after if exc.retry_after is not None else DEFAULT_RATE_WAIT


def _provider_error(what: str, exc: HttpError) -> Exception:
    summary = f"{what}: HTTP {exc.status} {_code(exc)}".strip()
    if exc.status == 429 or exc.status >= 500:
        return ProviderUnavailable(summary, retry_after=_rate_wait(exc) or exc.retry_after)
    if exc.status == 401:
        return ProviderAuthError(summary)
    if exc.status == 404:
        return NotFound(summary)
    return ProviderRefused(summary)


def _code(exc: HttpError) -> str:
    """Naver's error ``code`` and ``message`` (never the request: it may carry a token or a buyer's data)."""
    try:
        body = json.loads(exc.body or b"{}")
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    return f"{body.get('code', '')} {str(body.get('message', ''))[:160]}".strip()


def _route(path: str) -> str:
    return path.split("?")[0]
